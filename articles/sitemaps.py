"""/sitemap.xml for the whole site. It lives here because articles may import clinic, while
clinic imports neither articles nor booking."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article, Topic
from clinic.models import Service, Therapist


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().newest_first()

    def lastmod(self, article):
        return article.modified_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Topic.objects.filter(articles__in=Article.objects.published())
            .annotate(last_change=Max("articles__modified_at"))
            .order_by("name")
        )

    def lastmod(self, topic):
        return topic.last_change


class TherapistSitemap(Sitemap):
    def items(self):
        return Therapist.objects.active()

    def lastmod(self, therapist):
        return therapist.modified_at


class ServiceSitemap(Sitemap):
    def items(self):
        return Service.objects.active()

    def lastmod(self, service):
        return service.modified_at


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
