"""Whole-page cache for anonymous visitors, never stale.

The public pages (home, library, topics, articles, therapists, services, about, feed, sitemap)
are the same for every visitor without a session, so each is rendered once and served from the
cache until something it shows changes. Any save or delete of a clinic or library model bumps a
version number that is part of every key, so a change shows at once; an article scheduled to go
live ends the entries before its publish time. Anyone with a session (staff, a patient on a
booking or signed in by link, anyone with a message waiting) is never served a cached page and
never fills one, except on a page whose view declares it reads nothing from the session
(`page_cache_shared_with_sessions`: the booking flow's first three steps, so a patient who goes
back from her details to change the time gets the kept page, not a new one); she does not fill
one (her response refreshes her session's cookie). The rest of the booking flow, the admin and /healthz are never
cached, nor is a response that sets a cookie, carries a CSRF token, is not a 200, or says
no-cache.

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
its post changes nothing (booking/views/request.py).

The cache is Django's default cache: in memory in development; in production the database
(config/settings/production.py), which every process and server already shares, so the clinic
runs no extra server for it. A cache that fails (its table missing, its server down) means
uncached pages, never error pages: every read and write here logs a warning and carries on.

A key holds only what the page reads from its address, so made-up parameters (`?x=1`, `?utm=…`)
share the plain page's entry instead of each rendering and filling a new one. A view declares
what it reads as `page_cache_query`: the names of the parameters (the library's `q` and
`page`), or a function from the query to one canonical text (the booking flow's parsed
selection); a page that declares nothing reads nothing. A session cookie that names no live
session is no session: only a real one (one query, and only when the cookie is sent) bypasses.

Over 300 lines on purpose: keys, versions, what may be kept and how a failing cache degrades
are one mechanism, read together.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib
import logging
import re
import secrets
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache-version"
CALENDAR_VERSION_KEY = "calendar-version"
LONGEST = datetime.timedelta(minutes=10)
# The site's own pages that are never kept; apps add theirs (never_keep), so this module names
# no app's paths and imports no app (the dependency rule: clinic imports none of the others).
NEVER = ["/admin/", "/healthz", "/static/", "/media/"]
# Pages under a NEVER prefix that may be kept, when their view says until when (keep_until):
# the booking flow's steps, registered by booking (keep_with_calendar).
CALENDAR_PAGES = []
# Functions of `now` giving the next moment every page may change with no record saved (an
# article scheduled to go live), registered by the app that knows it (expires_with).
_EXPIRIES = []


def never_keep(*url_names):
    """Pages (and every page under them) that are never kept: an app's private corners."""
    NEVER.extend(reverse_lazy(name) for name in url_names)


def keep_with_calendar(*url_names):
    """Pages kept under the calendar version too, because they show free times (their
    views say until when with keep_until); every other page under them is never kept."""
    CALENDAR_PAGES.extend(reverse_lazy(name) for name in url_names)
    never_keep(*url_names)


def expires_with(next_change):
    """`next_change(now)`: the next instant all pages may change by the clock alone, or None."""
    _EXPIRIES.append(next_change)


# A session key as Django makes them (its database column holds 40): anything else names none,
# and is not worth a query (PostgreSQL refuses some characters a cookie may carry).
SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")
# The version of the public pages' records this request's key was built with (per_version).
_version_in_use = contextvars.ContextVar("page_cache_version", default=None)


def _is_database_cache():
    return isinstance(caches[DEFAULT_CACHE_ALIAS], DatabaseCache)


class Unavailable(Exception):
    """The cache failed; the page is served without it."""


def _safely(operation, *args, **kwargs):
    """Run one cache operation, or raise Unavailable, with the reason logged.

    Any exception: each backend fails its own way (a database error, a refused connection, a
    timeout). Only the exception's class is logged, never a key or a value. Inside a
    transaction a database cache works in a savepoint, so its failure cannot abort the
    transaction around it (an admin save, a booking).
    """
    try:
        if _is_database_cache() and transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return operation(*args, **kwargs)
        return operation(*args, **kwargs)
    except Exception as error:
        logger.warning(
            "Page cache unavailable (%s in %s): serving without it.",
            type(error).__name__,
            operation.__name__,
        )
        raise Unavailable from error


def _versions(*keys):
    """The current value of each version key, one read when they are all there."""
    found = _safely(cache.get_many, keys)
    for key in keys:
        if key not in found:  # never set, or dropped: a new value (or whoever set it first)
            found[key] = _safely(cache.get_or_set, key, secrets.token_hex(8), timeout=None)
    return [found[key] for key in keys]


def _store(key, value, timeout):
    """Write, or not (logged): the page or the change goes on without it."""
    with contextlib.suppress(Unavailable):
        _safely(cache.set, key, value, timeout=timeout)


def _renew(key):
    # Should the write fail, a page kept before it lasts at most LONGEST.
    _store(key, secrets.token_hex(8), None)


def bump(**kwargs):
    """Something a public page shows has changed: every cached page is out of date."""
    _renew(VERSION_KEY)


def bump_on_change(models, when=None):
    """Every save or delete of these models' rows makes every kept page out of date; with
    `when`, only of the rows `when(row)` says a page shows or showed (a reader's comment still
    waiting for a decision is on no page: each one posted would end every kept page)."""
    receiver = bump if when is None else _bump_if(when)
    for model in models:
        for signal in (post_save, post_delete):
            # Held strongly: a condition's receiver is made here, and nothing else keeps it.
            signal.connect(
                receiver, sender=model, weak=False, dispatch_uid=f"page-{model._meta.label}"
            )


def _bump_if(when):
    def bump_if_shown(instance, **kwargs):
        if when(instance):
            bump()

    return bump_if_shown


def bump_calendar(**kwargs):
    """An appointment changed: every kept booking page is out of date.

    Renewed after the change commits, so no page rendered from the data before it is kept under
    the new version. A database cache is left alone until then (writing it inside the booking's
    transaction would lock the version row until commit, making bookings wait on each other); an
    in-memory one is also renewed at once, so the changing request itself already misses.
    `robust`: should the cache write fail, the booking's emails are still sent.
    """
    if not _is_database_cache():
        _renew(CALENDAR_VERSION_KEY)
    transaction.on_commit(lambda: _renew(CALENDAR_VERSION_KEY), robust=True)


def create_cache_table(using, **kwargs):
    """After every migrate: the database cache's table, if the settings use one and it is
    missing. The migration that also makes it runs only once, under whatever settings first
    migrated the database (development's memory cache makes none); createcachetable leaves an
    existing table alone and does nothing for other caches."""
    call_command("createcachetable", database=using, verbosity=0)


def keep_until(response, instant=None):
    """This booking page may be served to every visitor without a session until `instant` (at
    most LONGEST; LONGEST when None), unless the calendar or the clinic's records change first."""
    response.page_cache_keep = True
    response.page_cache_until = instant


def per_version(compute):
    """`compute()` once per version of the public pages' records, in this process: what a key
    function checks a query against (the active services, say) costs no query per request.
    Any change to those records gives a new version, so the answer is never out of date."""
    remembered = {}

    @functools.wraps(compute)
    def current():
        version = _version_in_use.get() or _versions(VERSION_KEY)[0]
        if version not in remembered:
            remembered.clear()
            remembered[version] = compute()
        return remembered[version]

    return current


@functools.cache
def _paths():
    """The registered pages as paths, reversed once (apps register in ready(), before any
    request; the first request reverses them)."""
    return frozenset(str(path) for path in CALENDAR_PAGES), tuple(str(path) for path in NEVER)


def _is_calendar_page(request):
    return request.path in _paths()[0]


def _live_session(request):
    """The visitor's live session's data: one that exists, has not expired and holds something;
    None otherwise. A cookie naming none is dropped from this request, so the page is the one
    for no session (kept, or kept from now on). One query, only when the cookie is sent."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if key is None:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    # load() reads only an unexpired session (exists() would take an expired one as live).
    data = engine.SessionStore(key).load() if SESSION_KEY.fullmatch(key) else {}
    if data:
        return data
    del request.COOKIES[settings.SESSION_COOKIE_NAME]
    return None


def _view_class(request):
    """The view's class (or function) for this address, None for one nothing answers."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    return getattr(view, "view_class", view)


def _wanted(request):
    # A message waiting always has its cookie (one too long for it waits in the session, and
    # the cookie says so), so its page is rendered, with the message.
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if not (_is_calendar_page(request) or not request.path.startswith(_paths()[1])):
        return False
    session = _live_session(request)
    # A page its view declares the same with or without a session (it reads nothing from it:
    # the booking flow's first steps) is shared.
    return session is None or getattr(
        _view_class(request), "page_cache_shared_with_sessions", False
    )


def _query(request):
    """The page's address as the page reads it: only the parameters its view declares."""
    if not request.GET:
        return ""
    # None for a "not found" page, which is never kept: it reads nothing.
    reads = getattr(_view_class(request), "page_cache_query", ())
    if callable(reads):
        return reads(request.GET)
    return urlencode([(name, value) for name in reads for value in request.GET.getlist(name)])


def _key(request):
    """The entry's key, under the current versions."""
    keys = (VERSION_KEY, CALENDAR_VERSION_KEY) if _is_calendar_page(request) else (VERSION_KEY,)
    versions = _versions(*keys)
    in_use = _version_in_use.set(versions[0])
    try:
        query = _query(request)
    finally:
        _version_in_use.reset(in_use)
    # Hashed: an address can be longer than a cache key may be (250 characters). The secret key
    # is in it because pages carry booking links sealed with it: after a new key, no old links.
    address = hashlib.sha256(
        f"{settings.SECRET_KEY}|{request.get_host()}{request.path}?{query}".encode()
    ).hexdigest()
    prefix = "calendar" if _is_calendar_page(request) else "page"
    return f"{prefix}:{':'.join(versions)}:{address}"


def _storable(request, response):
    if response.status_code != 200 or response.cookies or response.streaming:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page asked for a CSRF token: it is this visitor's alone
    directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-cache", "no-store"}


def _timeout(now, until=None):
    """Until the next change by the clock alone (expires_with: a scheduled article going live
    changes lists and pages), the page's own limit (`until`), at most LONGEST."""
    due = [next_change(now) for next_change in _EXPIRIES]
    limit = min(instant for instant in (*due, until, now + LONGEST) if instant is not None)
    return int((limit - now).total_seconds())


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _wanted(request):
            return self.get_response(request)
        try:
            key = _key(request)
            stored = _safely(cache.get, key)
        except Unavailable:
            return self.get_response(request)
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
                _store(key, response, timeout)
        return response
