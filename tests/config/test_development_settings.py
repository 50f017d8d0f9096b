"""config/settings/development.py, loaded as `make run` loads it."""

import os
import subprocess
import sys

from config.settings.base import BASE_DIR

POSTGRES = "postgres://clinic@localhost:5432/clinic"


def database_setting(module, name, **env):
    """A DATABASES["default"] value as `module` sets it with `env` (its own process: settings
    are read once)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    code = f"from django.conf import settings; print(settings.DATABASES['default']['{name}'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_development_keeps_no_database_connection_between_requests():
    assert (
        database_setting("config.settings.development", "CONN_MAX_AGE", DATABASE_URL=POSTGRES)
        == "0"
    )


def test_production_still_keeps_its_connections_for_a_minute():
    env = {
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.com",
        "DATABASE_URL": POSTGRES,
    }
    assert database_setting("config.settings.production", "CONN_MAX_AGE", **env) == "60"
