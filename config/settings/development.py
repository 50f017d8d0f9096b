"""Local development: SQLite file (unless DATABASE_URL is set), DEBUG on, emails to the console."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine here: development data is demo data and never leaves the laptop.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Emails are printed where `make run` runs.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
