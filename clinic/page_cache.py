"""Whole-page cache for anonymous visitors, never stale.

The public pages (home, library, topics, articles, therapists, services, about, feed, sitemap)
are the same for every visitor without a session, so each is rendered once and served from the
cache until something it shows changes. Any save or delete of a clinic or library model bumps a
version number that is part of every key, so a change shows at once; an article scheduled to go
live ends the entries before its publish time. Anyone with a session (staff, a patient on a
booking or signed in by link, anyone with a message waiting) is never served a cached page and
never fills one; the booking flow, the admin and /healthz are never cached, nor is a response
that sets a cookie, carries a CSRF token, is not a 200, or says no-cache.

The cache is Django's default cache: in memory in development; in production the database
(config/settings/production.py), which every process and server already shares, so the clinic
runs no extra server for it.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

VERSION_KEY = "page-cache-version"
LONGEST = datetime.timedelta(minutes=10)
NEVER = ("/book/", "/admin/", "/healthz", "/static/", "/media/", "/articles/preview/")
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def version():
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump(**kwargs):
    """Something a public page shows has changed: every cached page is out of date."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _wanted(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(NEVER)
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
    )


def _storable(request, response):
    if response.status_code != 200 or response.cookies or response.streaming:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page asked for a CSRF token: it is this visitor's alone
    directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-cache", "no-store"}


def _timeout(now):
    """Until the next scheduled article goes live (it changes lists and pages), at most LONGEST."""
    from articles.models import Article

    due = (
        Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    limit = now + LONGEST if due is None else min(due, now + LONGEST)
    return max(1, int((limit - now).total_seconds()))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _wanted(request):
            return self.get_response(request)
        key = f"page:{version()}:{request.get_host()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            return stored
        response = self.get_response(request)
        if _storable(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, response, timeout=_timeout(timezone.now()))
        return response
