import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.mailing.models import Subscriber
from emails.outbox import recipient_key
from tests.html import tags

SIGNUP = reverse("mailing:subscribe")


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form (as `visitor`, or the test's client); its email leaves at commit."""

    def post(email="reader@example.com", *, place="article", path="/articles/x/", visitor=None,
             **extra):  # fmt: skip
        meta = {name: value for name, value in extra.items() if name.startswith("HTTP_")}
        fields = {name: value for name, value in extra.items() if name not in meta}
        fields = {"email": email, "place": place, "path": path, "website": "", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return (visitor or client).post(SIGNUP, fields, **meta)

    return post


def signup_fields(html):
    """The sign-up forms on a page, as a browser would post them: [{name: value}]."""
    forms, current = [], None
    for tag, attrs in tags(html):
        if tag == "form":
            current = {} if attrs.get("action") == SIGNUP else None
            if current is not None:
                forms.append(current)
        elif tag == "input" and current is not None:
            current[attrs["name"]] = attrs.get("value", "")
    return forms


def link_in(message, name):
    """The path of the site's link to the mailing route `name` in an email's text."""
    prefix = reverse(f"mailing:{name}", args=["TOKEN"]).split("TOKEN")[0]
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s>/]+/)", message.body)
    assert found, f"no {name} link in {message.body!r}"
    return found.group(1)


def confirmed(email="reader@example.com", *, at=None):
    """A reader who confirmed at `at` (a week ago unless told), from an article."""
    at = at or timezone.now() - datetime.timedelta(days=7)
    return Subscriber.objects.create(
        email=email, email_key=recipient_key(email), asked_at=at, place="article",
        path="/articles/x/", wording="Get the articles.", confirmed_at=at,
    )  # fmt: skip


@pytest.fixture
def subscriber(clinic):
    return confirmed()
