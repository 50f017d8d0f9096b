"""The optional error tracker (Sentry), on when SENTRY_DSN is set in production.

Events go to servers outside the clinic, so they carry what broke and where in the code, and
nothing a patient typed or holds: no request body, cookies, headers or user, no local variables,
no query string, and no token of a secret route (clinic/secret_routes.py) in any string, the
breadcrumbs (earlier log lines) included. Errors only: no performance tracing, whose spans would
carry every page's address.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from clinic.secret_routes import redact


def _redacted(value):
    """Every string inside `value` without secret routes' tokens."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def _without_query(url):
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def before_send(event, hint):
    """Sentry's last look at an event: the page's address and method stay, redacted; the rest of
    the request, the user and every frame's local variables go, and no string keeps a token."""
    request = event.get("request") or {}
    event["request"] = {key: value for key, value in request.items() if key in ("method", "url")}
    if "url" in event["request"]:
        event["request"]["url"] = _without_query(event["request"]["url"])
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values", []):
        for frame in (thread.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return _redacted(event)


def init_error_tracker():
    """Report errors to Sentry when SENTRY_DSN is set; nothing is sent otherwise."""
    dsn = os.environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
    )
    return True
