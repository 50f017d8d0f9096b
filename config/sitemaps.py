"""/sitemap.xml for the whole site: each app's sitemaps, and the fixed pages across them."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article
from articles.sitemaps import ArticleSitemap, TopicSitemap
from clinic.sitemaps import ServiceSitemap, TherapistSitemap


class StaticPageSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return [
            "clinic:home",
            "clinic:about",
            "clinic:privacy",
            "clinic:therapist_list",
            "clinic:service_list",
            "articles:list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if name == "articles:list":
            return Article.objects.published().aggregate(last=Max("modified_at"))["last"]
        return None


SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "therapists": TherapistSitemap,
    "services": ServiceSitemap,
}
