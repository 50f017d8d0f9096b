import datetime
import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from config.settings.base import BASE_DIR, database_from_env

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-key",
    "DJANGO_ALLOWED_HOSTS": "clinic.example.com",
    # Checks may open it, and SQLite then creates the file: keep it out of the working tree.
    "DATABASE_URL": "sqlite:///"
    + str(Path(tempfile.mkdtemp(prefix="clinic-prod-check-")) / "never-used.sqlite3"),
}


def production_settings(monkeypatch, **env):
    """The production settings module as it loads with PRODUCTION_ENV (and `env`) set."""
    for name, value in {**PRODUCTION_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.production", None)
    return importlib.import_module("config.settings.production")


def run_manage(*args, env):
    clean_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_each_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production." in result.stderr


@pytest.mark.parametrize("site_url", ["http://clinic.example.com", "clinic.example.com"])
def test_production_refuses_to_start_when_the_site_url_is_not_https(site_url):
    # Emails' links (a digest's one-click List-Unsubscribe, RFC 8058) need https.
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SITE_URL": site_url})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SITE_URL must be an https address in production" in (
        result.stderr
    )
    assert repr(site_url) in result.stderr


def test_production_links_default_to_https_on_the_first_host(monkeypatch):
    monkeypatch.delenv("DJANGO_SITE_URL", raising=False)
    assert production_settings(monkeypatch).SITE_URL == "https://clinic.example.com"
    given = production_settings(monkeypatch, DJANGO_SITE_URL="https://www.clinic.example")
    assert given.SITE_URL == "https://www.clinic.example"


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_checks_leave_no_database_file_in_the_working_tree():
    before = set(BASE_DIR.glob("*.sqlite3"))
    run_manage("check", "--deploy", env=PRODUCTION_ENV)
    assert set(BASE_DIR.glob("*.sqlite3")) == before


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic:secret@db.internal:5432/clinic")
    config = database_from_env(BASE_DIR / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "clinic"
    assert config["HOST"] == "db.internal"


def test_without_database_url_development_uses_an_sqlite_file_in_immediate_mode(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(BASE_DIR / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == BASE_DIR / "db.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_suite_runs_on_the_database_the_environment_asks_for():
    database = settings.DATABASES["default"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert database["ENGINE"] == "django.db.backends.postgresql"
    else:
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_suite_runs_at_the_clock_it_was_given():
    moment = os.environ.get("TEST_CLOCK")
    if not moment:
        pytest.skip("checks TEST_CLOCK, which `make test-clocks` sets")
    offset = timezone.now() - datetime.datetime.fromisoformat(moment)
    assert datetime.timedelta(0) <= offset < datetime.timedelta(hours=1)
