"""Local development: SQLite file (unless DATABASE_URL is set), DEBUG on, emails to the console."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine here: development data is demo data and never leaves the laptop.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Emails are printed where `make run` runs.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# A connection per request, closed after it: runserver starts a thread for each request, and
# connections kept for a minute (base.py's 60 s, which production keeps) ran PostgreSQL out of
# its 100 in a few bursts. A copy: the base settings' own dict stays as other modules read it.
DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": 0}}  # noqa: F405
