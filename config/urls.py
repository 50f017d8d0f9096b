"""The whole site's routes (ROOT_URLCONF); each app keeps its own in its urls.py."""

import os

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clinic import views
from config.sitemaps import SITEMAPS
from config.staff_welcome import SetPasswordView

urlpatterns = [
    path("", include("clinic.urls")),
    path("articles/", include("articles.urls")),
    path("book/", include("booking.urls")),
    path("comments/", include("articles.comments.urls")),
    path("newsletter/", include("articles.mailing.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    # The link in a staff member's invitation (config/staff_accounts.py).
    path(
        "staff/welcome/<uidb64>/<secret:token>/",
        SetPasswordView.as_view(),
        name="staff_set_password",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's among them).
    path("favicon.ico", views.favicon, name="favicon"),
    # Uploaded photos in development; production serves media from the web server.
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]

if os.environ.get("DJANGO_BENCH_VIEWS"):
    from bench import views as bench_views

    urlpatterns += [
        path("bench/ok", bench_views.ok),
        path("bench/twenty-rows", bench_views.twenty_rows),
    ]
