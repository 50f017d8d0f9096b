"""Whole-page cache for anonymous visitors, never stale.

The public pages (home, library, topics, articles, therapists, services, about, feed, sitemap)
are the same for every visitor without a session, so each is rendered once and served from the
cache until something it shows changes. Any save or delete of a clinic or library model bumps a
version number that is part of every key, so a change shows at once; an article scheduled to go
live ends the entries before its publish time. Anyone with a session (staff, a patient on a
booking or signed in by link, anyone with a message waiting) is never served a cached page and
never fills one; the rest of the booking flow, the admin and /healthz are never cached, nor is a
response that sets a cookie, carries a CSRF token, is not a 200, or says no-cache.

A version is a random value, never a count: a cache that drops entries when full (both Django's
database and memory caches do) may drop a version key, and a counter started again would bring
back old pages stored under its earlier numbers; a new random value cannot. Setting it is also
one write, so two changes at once cannot both leave the same version.

The booking flow's therapist and time steps (`/book/` itself, reached by links) are the same for
every visitor without a session too, but they show live availability. A view marks such a page
with `keep_until(response, instant)`: the moment its answer would change with the clock alone (the
first time shown falls inside the booking notice, or the clinic's date turns). Its key also holds
the calendar version, which any change to an appointment bumps (booking/apps.py), so a booked or
freed time shows at once. The service step is kept too: its form carries no CSRF token, because
its post changes nothing (booking/views.py).

The cache is Django's default cache: in memory in development; in production the database
(config/settings/production.py), which every process and server already shares, so the clinic
runs no extra server for it.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "page-cache-version"
CALENDAR_VERSION_KEY = "calendar-version"
LONGEST = datetime.timedelta(minutes=10)
NEVER = ("/book/", "/admin/", "/healthz", "/static/", "/media/", "/articles/preview/")
# Booking pages that may be kept, when their view says until when (keep_until).
CALENDAR_PAGES = ("/book/",)
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _versions(*keys):
    """The current value of each version key, one read when they are all there."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # never set, or dropped: a new value (or whoever set it first)
            found[key] = cache.get_or_set(key, secrets.token_hex(8), timeout=None)
    return [found[key] for key in keys]


def _renew(key):
    cache.set(key, secrets.token_hex(8), timeout=None)


def bump(**kwargs):
    """Something a public page shows has changed: every cached page is out of date."""
    _renew(VERSION_KEY)


def bump_calendar(**kwargs):
    """An appointment changed: every kept booking page is out of date.

    Renewed after the change commits, so no page rendered from the data before it is kept under
    the new version. A database cache is left alone until then (writing it inside the booking's
    transaction would lock the version row until commit, making bookings wait on each other); an
    in-memory one is also renewed at once, so the changing request itself already misses.
    `robust`: should the cache write fail, the booking's emails are still sent.
    """
    if not isinstance(caches[DEFAULT_CACHE_ALIAS], DatabaseCache):
        _renew(CALENDAR_VERSION_KEY)
    transaction.on_commit(lambda: _renew(CALENDAR_VERSION_KEY), robust=True)


def keep_until(response, instant=None):
    """This booking page may be served to every visitor without a session until `instant` (at
    most LONGEST; LONGEST when None), unless the calendar or the clinic's records change first."""
    response.page_cache_keep = True
    response.page_cache_until = instant


def _is_calendar_page(request):
    return request.path in CALENDAR_PAGES


def _wanted(request):
    return (
        request.method in ("GET", "HEAD")
        and (_is_calendar_page(request) or not request.path.startswith(NEVER))
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
    )


def _key(request):
    # Hashed: an address can be longer than a cache key may be (250 characters). The secret key
    # is in it because pages carry booking links sealed with it: after a new key, no old links.
    address = hashlib.sha256(
        f"{settings.SECRET_KEY}|{request.get_host()}{request.get_full_path()}".encode()
    ).hexdigest()
    if not _is_calendar_page(request):
        return f"page:{_versions(VERSION_KEY)[0]}:{address}"
    return f"calendar:{':'.join(_versions(VERSION_KEY, CALENDAR_VERSION_KEY))}:{address}"


def _storable(request, response):
    if response.status_code != 200 or response.cookies or response.streaming:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page asked for a CSRF token: it is this visitor's alone
    directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-cache", "no-store"}


def _timeout(now, until=None):
    """Until the next scheduled article goes live (it changes lists and pages), the page's own
    limit (`until`), at most LONGEST."""
    from articles.models import Article

    due = (
        Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    limit = min(instant for instant in (due, until, now + LONGEST) if instant is not None)
    return int((limit - now).total_seconds())


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _wanted(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            return stored
        response = self.get_response(request)
        if _is_calendar_page(request) and not getattr(response, "page_cache_keep", False):
            return response  # a booking page its view did not mark
        until = getattr(response, "page_cache_until", None)
        if _storable(request, response):
            timeout = _timeout(timezone.now(), until)
            if timeout >= 1:  # whole seconds: a page about to change is not worth keeping
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                # One piece: the feed writes itself in hundreds, and the server would send each
                # in its own packet to every visitor (a feed hit took 6 ms instead of 1).
                response.content = response.content
                cache.set(key, response, timeout=timeout)
        return response
