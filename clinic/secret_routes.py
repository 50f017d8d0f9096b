"""Which paths carry a secret, declared once: the `secret` path converter.

A route whose path holds something that opens a patient's data (an appointment link, a waitlist
offer, a sign-in link) captures it with `<secret:token>`. Every log redacts from the routes that
do: gunicorn's access log (config/access_log.py), Django's own records (config/log_filters.py)
and Caddy's (deploy/Caddyfile, checked against this module by the tests). A test walks every
route and fails on a token captured any other way, so a new token route cannot forget.
"""

import re
from functools import cache

from django.conf import settings
from django.urls import URLResolver, get_resolver, register_converter
from django.urls.converters import StringConverter
from django.urls.resolvers import RoutePattern

# What replaces a redacted segment: the path keeps its shape (/book/appointment//cancel/).
REDACTED = ""
# A secret ends at the next slash, query or fragment, or where free text around a path goes on.
SECRET_SEGMENT = r"[^/?#\s]+"


class SecretConverter(StringConverter):
    """Matches what `str` does; being a different class is what marks the segment secret."""


register_converter(SecretConverter, "secret")

_CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")
# Only what is special to both Python's and Go's (Caddy's) regexps, so the pattern stays readable.
_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def _literal(route):
    """A route's text before its first secret, as a regexp (other captures match a segment)."""
    parts, end = [], 0
    for capture in _CONVERTER.finditer(route):
        parts.append(_SPECIAL.sub(r"\\\1", route[end : capture.start()]))
        if capture["kind"] == "secret":
            return "".join(parts)
        parts.append("[^/]+")
        end = capture.end()
    return None


def every_route(urlconf=None):
    """Each endpoint of the site as (its whole route as written, its URLPattern)."""

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            else:
                yield route, entry

    return walk(get_resolver(urlconf).url_patterns, "")


def example_paths(token, urlconf=None):
    """A path of each secret route with `token` as its secret (any other capture is 1)."""

    def fill(capture):
        return token if capture["kind"] == "secret" else "1"

    return sorted(
        "/" + _CONVERTER.sub(fill, route)
        for route, _ in every_route(urlconf)
        if _literal(route) is not None
    )


def secret_prefixes(urlconf=None):
    """The paths, as regexps, that a secret segment follows (/book/appointment/ …), longest first.

    Longest first, so /book/waitlist/confirm/<secret> is not read as /book/waitlist/<secret>
    followed by the rest.
    """
    return _secret_prefixes(urlconf or settings.ROOT_URLCONF)


@cache
def _secret_prefixes(urlconf):
    prefixes = set()
    for route, entry in every_route(urlconf):
        if not isinstance(entry.pattern, RoutePattern):
            continue
        literal = _literal(route)
        if literal is not None:
            prefixes.add("/" + literal)
    return tuple(sorted(prefixes, key=lambda prefix: (-len(prefix), prefix)))


def secret_paths_regexp(urlconf=None):
    """One regexp for every secret route; group 1 is the part kept (Python and Caddy alike)."""
    return f"({'|'.join(secret_prefixes(urlconf))}){SECRET_SEGMENT}"


@cache
def _compiled(urlconf):
    return re.compile(secret_paths_regexp(urlconf))


def redact(text, urlconf=None):
    """`text` with every secret route's token taken out, whatever else it says."""
    if not text:
        return text or ""
    return _compiled(urlconf or settings.ROOT_URLCONF).sub(rf"\g<1>{REDACTED}", text)
