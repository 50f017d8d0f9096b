from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article
from clinic.models import Clinic


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.clinic = getattr(request, "clinic", None) or Clinic.objects.current()
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.clinic.name}: health library"

    def subtitle(self):
        return self.clinic.short_description

    def link(self):
        return reverse("articles:list")

    def items(self):
        return Article.objects.published().with_people().newest_first()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at
