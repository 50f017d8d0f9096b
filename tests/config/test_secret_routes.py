"""One declaration of the routes that carry a secret, and every log redacting from it."""

import datetime
import io
import logging
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client, override_settings

from clinic.secret_routes import (
    every_route,
    example_paths,
    redact,
    secret_paths_regexp,
    secret_prefixes,
)
from tests.clinic.test_access_log import gunicorn_logger

CAPTURE = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>")
# Captures under /book/ that hold nothing secret. A new one belongs here only if knowing it
# opens nothing: a public slug, an id checked against the signed-in user.
KNOWN_NOT_SECRET = set()
TOKEN = "Tok3n-of_A-patient"
CADDYFILE = settings.BASE_DIR / "deploy" / "Caddyfile"


def captures(route):
    """(converter, name) of every parameter a route captures; a regexp group counts as str."""
    for found in CAPTURE.finditer(route):
        if found["group"]:
            yield "str", found["group"]
        else:
            yield found["kind"] or "str", found["name"]


def undeclared_token_captures(urlconf=None):
    for route, _ in every_route(urlconf):
        for kind, name in captures(route):
            looks_secret = any(word in name.lower() for word in ("token", "key")) or (
                route.startswith("book/")
                and kind in ("str", "slug", "path")
                and (route, name) not in KNOWN_NOT_SECRET
            )
            if looks_secret and kind != "secret":
                yield f"/{route} captures {name!r} as {kind}"


def test_every_route_that_captures_a_token_declares_it_secret():
    assert list(undeclared_token_captures()) == []


def test_a_token_route_captured_as_a_plain_string_is_caught():
    assert list(undeclared_token_captures("tests.config.undeclared_urls")) == [
        "/book/offer/<str:token>/ captures 'token' as str",
        "/book/visit/<slug:key>/ captures 'key' as slug",
    ]


def test_every_patient_link_is_declared():
    assert set(secret_prefixes()) >= {
        "/book/appointment/",
        "/book/waitlist/",
        "/book/welcome-back/",
    }


def test_a_route_added_later_is_redacted_without_anything_else_changing():
    urlconf = "tests.config.urls"
    assert "/book/waitlist/confirm/" in secret_prefixes(urlconf)
    # Not read as the waitlist claim's token "confirm" followed by the real token.
    assert redact(f"/book/waitlist/confirm/{TOKEN}/", urlconf) == "/book/waitlist/confirm//"
    assert redact("/book/waitlist/confirm/", urlconf) == "/book/waitlist//"


def test_pages_without_a_secret_keep_their_paths():
    for path in ("/book/", "/book/waitlist/", "/book/welcome-back/", "/articles/back-pain/"):
        assert redact(path) == path


# Every declared route, at collection time: a route added later is covered without editing here.
@pytest.fixture(params=example_paths(TOKEN), ids=str)
def secret_path(request):
    return request.param


def test_gunicorns_access_log_leaves_out_the_token(capsys, secret_path):
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": secret_path, "PATH_INFO": secret_path,
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[])
    gunicorn_logger().access(response, request, environ, datetime.timedelta(milliseconds=3))
    line = capsys.readouterr().out
    assert f'"GET {secret_path.replace(TOKEN, "")}"' in line
    assert TOKEN not in line


@pytest.fixture
def django_log():
    """What LOGGING's console handler writes, filters and all."""
    handler = logging.getHandlerByName("console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_djangos_log_records_leave_out_the_token(django_log, secret_path):
    logging.getLogger("django.request").warning("Not Found: %s", secret_path)
    try:
        raise ValueError(f"no visit at {secret_path}")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", secret_path)
    written = django_log.getvalue()
    assert f"Not Found: {secret_path.replace(TOKEN, '')}" in written
    assert "ValueError: no visit at" in written
    assert TOKEN not in written


@pytest.mark.django_db
def test_a_refused_csrf_check_logs_the_page_without_its_token(django_log):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/book/appointment/{TOKEN}/move/", {"start": "2030-01-07T10:00"})
    assert response.status_code == 403
    written = django_log.getvalue()
    assert "Forbidden (CSRF cookie not set.): /book/appointment//move/" in written
    assert TOKEN not in written


def caddy_uri_filter():
    """The regexp and replacement of the Caddyfile's `request>uri` filter."""
    found = re.search(r'request>uri regexp "(.*)" "(.*)"', CADDYFILE.read_text())
    return found[1], found[2]


def test_the_caddyfile_redacts_the_declared_routes():
    expected = secret_paths_regexp() + r"|\?.*"
    line = f'request>uri regexp "{expected}" "${{1}}"'
    assert caddy_uri_filter() == (expected, "${1}"), f"deploy/Caddyfile should say: {line}"


def test_caddys_log_leaves_out_the_token_and_the_query(secret_path):
    pattern, _ = caddy_uri_filter()
    # Go's ${1} is Python's \1; the syntax used is common to both.
    logged = re.sub(pattern, r"\1", f"{secret_path}?s=sealed-choice")
    assert logged == secret_path.replace(TOKEN, "")


@override_settings(ROOT_URLCONF="tests.config.urls")
def test_the_logs_follow_the_routes_the_site_serves():
    assert redact(f"/book/waitlist/confirm/{TOKEN}/") == "/book/waitlist/confirm//"
