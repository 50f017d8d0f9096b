"""The health library's part of /sitemap.xml (config/sitemaps.py puts the site's together)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from articles.models import Article, Topic


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
