"""What gunicorn's access log may say about a request.

A log is read by whoever runs the server and kept for weeks, so it gets the method, the path,
the status, the size and the time, and nothing a patient typed or holds: no query string (search
terms and booking choices), no Referer (the page before, with its query), and no token of a
secret route (clinic/secret_routes.py: appointment, waitlist and sign-in links). Caddy's log
(deploy/Caddyfile) drops the same things.
"""

from gunicorn.glogging import Logger

from clinic.secret_routes import redact
from config.log_filters import RedactSecretPaths

WITHHELD = "-"
FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def private_path(path):
    """The path without a secret route's token, as Caddy logs it: /book/appointment//cancel/."""
    return redact(path)


class RedactOnceDjangoServes(RedactSecretPaths):
    """The redaction, once Django is loaded: gunicorn's master logs before any app is (and
    serves nothing, so no path with a token), and the routes cannot be read before then."""

    def filter(self, record):
        from django.apps import apps

        return super().filter(record) if apps.ready else True


class PrivateAccessLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn's error log names the request when handling it fails ("Error handling
        # request /book/appointment/<token>/"): the same redaction as every other log.
        self.error_log.addFilter(RedactOnceDjangoServes())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = private_path(atoms["U"])
        # Every atom that could carry the full address, the query or a header is overwritten,
        # so a format string changed later cannot bring them back by accident.
        private = {key: WITHHELD for key in atoms if key.endswith(("}i", "}e", "}o"))}
        private.update(U=path, r=f"{atoms['m']} {path} {atoms['H']}", q="", f=WITHHELD)
        return {**atoms, **private}
