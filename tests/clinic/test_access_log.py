"""gunicorn's access log, configured as production runs it (config/gunicorn.py)."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from config.access_log import PrivateAccessLogger, private_path

production = importlib.import_module("config.gunicorn")


def gunicorn_logger():
    config = Config()
    config.set("logconfig_dict", {})
    for name in ("accesslog", "access_log_format", "logger_class"):
        config.set(name, getattr(production, name))
    assert config.logger_class is PrivateAccessLogger
    return config.logger_class(config)


@pytest.mark.parametrize(
    ("path", "query", "referer"),
    [
        ("/book/", "s=c2VhbGVk&service=3&date=2026-12-07", "/book/?service=3"),
        ("/articles/search/", "q=sciatica+pregnancy", "https://clinic.example/?q=back"),
        ("/book/appointment/Tok3n-abc_123/cancel/", "", "/book/appointment/Tok3n-abc_123/"),
    ],
)
def test_the_access_log_names_the_page_but_not_what_was_asked_or_held(capsys, path, query, referer):
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("Set-Cookie", "x=1")])
    request = SimpleNamespace(headers=[("REFERER", referer), ("COOKIE", "sessionid=secret")])
    gunicorn_logger().access(response, request, environ, datetime.timedelta(milliseconds=12))
    line = capsys.readouterr().out
    assert f'"GET {private_path(path)}"' in line
    assert " 200 512 " in line
    for private in (query, referer, "Tok3n", "secret"):
        if private:
            assert private not in line


def test_a_patient_link_keeps_its_shape_without_its_token():
    assert private_path("/book/appointment/abc123/") == "/book/appointment//"
    assert (
        private_path("/book/appointment/abc123/calendar.ics") == "/book/appointment//calendar.ics"
    )
    assert private_path("/articles/back-pain/") == "/articles/back-pain/"


def test_gunicorns_error_log_names_a_failed_request_without_its_token(capsys):
    logger = gunicorn_logger()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("Error handling request %s", "/book/appointment/Tok3n-abc_123/move/")
    logged = capsys.readouterr().err
    assert "/book/appointment//move/" in logged
    assert "Tok3n-abc_123" not in logged


def test_gunicorns_master_logs_before_django_is_loaded(tmp_path):
    """The master process logs "Starting gunicorn" before any app is loaded: the error log's
    redaction must wait for Django, not stop the server (it did, in make smoke)."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "from gunicorn.config import Config\n"
        "from config.access_log import PrivateAccessLogger\n"
        "config = Config()\n"
        "logger = PrivateAccessLogger(config)\n"
        "logger.info('Starting gunicorn')\n"
        "from django.apps import apps\n"
        "assert not apps.ready\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path.parent,
        env={"PYTHONPATH": str(settings.BASE_DIR), "DJANGO_SETTINGS_MODULE": "config.settings.test",
             "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Starting gunicorn" in done.stderr
