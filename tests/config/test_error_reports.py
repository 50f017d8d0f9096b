"""A server error is emailed to the admins, without anything a patient typed or holds."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from tests.clinic.test_settings import production_settings

TOKEN = "Tok3n-of_A-patient"
TYPED = {"name": "Jane Patient", "email": "jane@example.com", "reason": "sciatica since May"}


@pytest.fixture
def admins_email():
    with override_settings(ROOT_URLCONF="tests.config.urls", ADMINS=["Ops <ops@clinic.example>"]):
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = "session-cookie-value"
        response = client.post(
            f"/book/appointment/{TOKEN}/broken/?s=sealed-choice",
            TYPED,
            HTTP_REFERER="https://clinic.example/book/?q=pregnancy",
            HTTP_USER_AGENT="Jane's phone",
            REMOTE_ADDR="203.0.113.7",
        )
    assert response.status_code == 500
    (email,) = mail.outbox
    return email


@pytest.mark.django_db
def test_a_server_error_is_emailed_to_the_admins(admins_email):
    assert admins_email.to == ["Ops <ops@clinic.example>"]
    assert "Internal Server Error: /book/appointment//broken/" in admins_email.subject
    assert "RuntimeError" in admins_email.body
    assert "the page broke" in admins_email.body
    # Plain text: the HTML report would add each frame's local variables.
    assert not admins_email.alternatives


@pytest.mark.django_db
def test_the_error_email_keeps_the_names_but_not_what_was_sent(admins_email):
    for name in TYPED:
        assert f"\n{name} = " in admins_email.body
    assert "sessionid = " in admins_email.body
    sent = [*TYPED.values(), "session-cookie-value", "pregnancy", "Jane's phone", "203.0.113.7"]
    for private in sent:
        assert private not in admins_email.body


@pytest.mark.django_db
def test_the_error_email_names_the_page_without_its_token_or_query(admins_email):
    assert "/book/appointment//broken/" in admins_email.body
    for private in (TOKEN, "sealed-choice"):
        assert private not in admins_email.subject
        assert private not in admins_email.body


def test_production_emails_the_admins_it_is_given(monkeypatch):
    production = production_settings(
        monkeypatch, DJANGO_ADMINS='Ann Lee <ann@clinic.example>, "Ops, night" <ops@clinic.example>'
    )
    assert production.ADMINS == [
        "Ann Lee <ann@clinic.example>",
        '"Ops, night" <ops@clinic.example>',
    ]


def test_production_without_admins_emails_nobody(monkeypatch):
    assert production_settings(monkeypatch, DJANGO_ADMINS="").ADMINS == []


def test_production_refuses_an_admin_that_is_not_an_address(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMINS"):
        production_settings(monkeypatch, DJANGO_ADMINS="ann@clinic.example, front desk")
