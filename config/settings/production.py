"""Production: every secret and host comes from the environment, and start-up fails without them."""

import os
from email.utils import formataddr, getaddresses
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.error_tracker import init_error_tracker

from .base import *  # noqa: F403


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


def admins_from(value):
    """The addresses in a comma-separated list, names kept; a malformed one stops start-up."""
    admins = []
    for name, address in getaddresses([value]):
        if not (name or address):
            continue
        if "@" not in address:
            raise ImproperlyConfigured(
                f"DJANGO_ADMINS has an entry that is not an address: {address!r}."
            )
        admins.append(formataddr((name, address)))
    return admins


def https_site_url(value):
    """The site's address for links in emails, which must be https: a digest's List-Unsubscribe
    link is only honoured one-click by mail providers over https (RFC 8058), and an appointment
    link must not travel in the clear. Anything else stops start-up."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ImproperlyConfigured(
            f"DJANGO_SITE_URL must be an https address in production "
            f"(like https://clinic.example.com), not {value!r}: emails' links, a digest's "
            f"one-click List-Unsubscribe among them, need https."
        )
    return value


IS_PRODUCTION = True
DEBUG = False
SECRET_KEY = required_env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required_env("DJANGO_ALLOWED_HOSTS").split(",")]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
# base.py already switched DATABASES to it; here it is merely required.
required_env("DATABASE_URL")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true") == "true"
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind the usual reverse proxy (nginx, Caddy) that terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in throttling must see the visitor's address, not the proxy's (django-ipware reads it).
# DJANGO_PROXY_COUNT is how many reverse proxies stand in front of gunicorn (Caddy alone: 1).
# Each one appends the address it saw to X-Forwarded-For, so the visitor is that many entries
# from the right; anything further left was written by the visitor and is ignored, so nobody
# can pass for another address and lock its owner out.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1  # ipware counts the proxies listed before the last
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# Not strict: a header longer than the proxies account for still yields its right-hand entry.
IPWARE_STRICT = False
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "false") == "true",
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"appointments@{ALLOWED_HOSTS[0].lstrip('.')}"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = https_site_url(
    os.environ.get("DJANGO_SITE_URL", "").strip() or f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)

# Emails are sent by `manage.py worker` (db_worker that survives database restarts), from tasks stored in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The anonymous page cache (clinic/page_cache.py), shared by every gunicorn process and instance
# through the database they already use: no cache server to run. Its table is created by
# `migrate` (a post_migrate handler, clinic/apps.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clinic_cache",
        # Django's default of 300 is less than a busy clinic's pages (200 articles, the booking
        # steps' weeks); when full, a third of the entries go. Pages run to about 50 KB, so this
        # bounds the table near 250 MB whatever addresses visitors make up.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Errors reach a person: server errors are emailed to DJANGO_ADMINS ("Name <a@b>, c@d"; empty
# means nobody) through LOGGING's mail_admins handler, scrubbed (config/error_reports.py).
ADMINS = admins_from(os.environ.get("DJANGO_ADMINS", ""))
# And to Sentry when SENTRY_DSN is set, as scrubbed (config/error_tracker.py).
init_error_tracker()
