"""The one limiter (clinic/limiter.py): every public post that stores or sends goes through it."""

import inspect

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from clinic import limiter

pytestmark = pytest.mark.django_db


def public_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # staff pages: signed in, not limited (the access rule guards them)
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from public_routes(pattern.url_patterns, prefix + namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + (pattern.name or str(pattern.pattern)), pattern.callback


def takes_posts(view):
    """A class-based view with a post method, or a function view that reads POSTs."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    view = inspect.unwrap(view)
    source = inspect.getsource(view if inspect.isfunction(view) else type(view))
    return "request.POST" in source or '"POST"' in source


def limited_as(view):
    view_class = getattr(view, "view_class", None)
    return getattr(view_class.dispatch if view_class else view, "limited_as", None)


def test_every_public_post_is_limited_or_declared_as_storing_nothing():
    unguarded = [
        name
        for name, view in public_routes()
        if takes_posts(view) and not limited_as(view) and name not in limiter.NOT_COUNTED
    ]
    assert unguarded == []


def test_the_routes_that_take_posts_are_found():
    """The walk above sees the posts it must: it would pass vacuously otherwise."""
    found = {name: limited_as(view) for name, view in public_routes() if takes_posts(view)}
    assert found["booking:details"] == "request"
    assert found["booking:waitlist"] == "waitlist"
    assert found["booking:move"] == "move"
    assert found["booking:sign_in"] == "sign_in"
    assert "booking:start" in found


def _spend_then_fail():
    with transaction.atomic():
        limiter.spend("waitlist", address="a", contact="me@example.com")
        raise RuntimeError("the sign-up failed")


def test_a_post_that_fails_counts_nothing():
    with pytest.raises(RuntimeError):
        _spend_then_fail()
    for _ in range(limiter.RULES["waitlist"].per_contact_day):
        limiter.spend("waitlist", address="a", contact="me@example.com")
    with pytest.raises(limiter.LimitReached):
        limiter.spend("waitlist", address="b", contact="ME@example.com ")


def test_an_address_is_counted_per_hour_whatever_contacts_it_uses():
    rule = limiter.RULES["sign_in"]
    for n in range(rule.per_address_hour):
        limiter.spend("sign_in", address="same", contact=f"{n}@example.com")
    with pytest.raises(limiter.LimitReached):
        limiter.spend("sign_in", address="same", contact="new@example.com")
    limiter.spend("sign_in", address="other", contact="new@example.com")
    assert "new@example.com" not in {row.contact_key for row in limiter.LimitedAction.objects.all()}
