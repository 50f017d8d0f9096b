"""The optional error tracker: on only with a DSN, and nothing private in what it sends."""

import json

import sentry_sdk

from config.error_tracker import before_send, init_error_tracker
from tests.clinic.test_settings import production_settings

TOKEN = "Tok3n-of_A-patient"


def django_event():
    """An event shaped as sentry-sdk's Django and logging integrations make one."""
    return {
        "level": "error",
        "logentry": {
            "message": "Internal Server Error: %s",
            "params": [f"/book/waitlist/{TOKEN}/"],
        },
        "request": {
            "url": f"https://clinic.example/book/appointment/{TOKEN}/move/?s=sealed-choice",
            "method": "POST",
            "query_string": "s=sealed-choice",
            "data": {"name": "Jane Patient", "email": "jane@example.com"},
            "cookies": {"sessionid": "session-cookie-value"},
            "headers": {
                "Referer": "https://clinic.example/?q=pregnancy",
                "User-Agent": "Jane's phone",
            },
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"ip_address": "203.0.113.7", "email": "jane@example.com"},
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": f"no visit at /book/welcome-back/{TOKEN}/",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "move_appointment",
                                "vars": {"token": f"'{TOKEN}'", "patient": "'Jane Patient'"},
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {
            "values": [
                {
                    "category": "django.security.csrf",
                    "message": f"Forbidden: /book/appointment/{TOKEN}/move/",
                }
            ]
        },
    }


def test_the_tracker_gets_the_error_and_the_page_but_nothing_private():
    sent = before_send(django_event(), hint={})
    assert sent["request"] == {
        "url": "https://clinic.example/book/appointment//move/",
        "method": "POST",
    }
    assert sent["exception"]["values"][0]["type"] == "RuntimeError"
    assert sent["exception"]["values"][0]["value"] == "no visit at /book/welcome-back//"
    assert sent["exception"]["values"][0]["stacktrace"]["frames"] == [
        {"function": "move_appointment"}
    ]
    assert "user" not in sent
    text = json.dumps(sent)
    private = [TOKEN, "sealed-choice", "Jane Patient", "jane@example.com", "session-cookie-value",
               "pregnancy", "Jane's phone", "203.0.113.7"]  # fmt: skip
    for value in private:
        assert value not in text


def test_without_a_dsn_the_tracker_stays_off(monkeypatch):
    started = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert init_error_tracker() is False
    assert started == []


def test_production_turns_the_tracker_on_with_a_dsn_and_no_personal_data(monkeypatch):
    started = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))
    production_settings(monkeypatch, SENTRY_DSN="https://key@sentry.example/1")
    (options,) = started
    assert options["dsn"] == "https://key@sentry.example/1"
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["before_send"] is before_send
