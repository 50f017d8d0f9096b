from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles.sitemaps import SITEMAPS

app_name = "sitemap"

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="index"),
]
