"""The two emailed links: confirming starts the subscription (a GET only shows a button); the
digest's unsubscribe link ends it in one POST, with no sign-in or CSRF token (RFC 8058), and
leaves only a keyed hash of the address, so coming back needs a new confirmation."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.mailing import services
from articles.mailing.models import Subscriber, Unsubscribed
from emails.outbox import recipient_key
from tests.articles.mailing.conftest import link_in

pytestmark = pytest.mark.django_db


def test_the_emailed_link_shows_a_button_and_only_its_post_confirms(client, sign_up):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC), tick=False):
        sign_up()
    link = link_in(mail.outbox[0], "confirm")
    with time_machine.travel(datetime.datetime(2026, 3, 8, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = client.get(link)
        assert "Yes, email me new articles" in page.text
        assert Subscriber.objects.get().confirmed_at is None  # a mail scanner confirms nothing
        done = client.post(link)
    assert "Thank you, you are subscribed" in done.text
    assert "once a week at most" in done.text
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at == datetime.datetime(2026, 3, 8, 9, 0, tzinfo=datetime.UTC)
    assert subscriber.asked_at == datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def test_an_unknown_confirmation_link_says_it_no_longer_works(client, clinic):
    response = client.get(reverse("mailing:confirm", args=["nothing-like-it"]))
    assert response.status_code == 410
    assert "Sign up again" in response.text


def test_one_post_unsubscribes_without_a_session_or_a_token(subscriber):
    # What a mail provider's "Unsubscribe" button sends (RFC 8058): no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    url = reverse("mailing:unsubscribe", args=[subscriber.unsubscribe_token])
    response = provider.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert not Subscriber.objects.exists()
    # Only the keyed hash stays: it names no one.
    assert list(Unsubscribed.objects.values_list("email_key", flat=True)) == [
        recipient_key("reader@example.com")
    ]
    assert provider.post(url).status_code == 200  # a second press: still done


def test_the_unsubscribe_link_opened_in_a_browser_shows_a_button(client, subscriber):
    url = reverse("mailing:unsubscribe", args=[subscriber.unsubscribe_token])
    page = client.get(url)
    assert "Stop the emails about our new articles?" in page.text
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_coming_back_after_unsubscribing_needs_a_new_confirmation(client, sign_up, subscriber):
    services.unsubscribe(subscriber)
    sign_up("reader@example.com")
    returning = Subscriber.objects.get()
    assert returning.confirmed_at is None
    assert Unsubscribed.objects.exists()  # until they confirm
    client.post(link_in(mail.outbox[-1], "confirm"))
    assert Subscriber.objects.confirmed().count() == 1
    assert not Unsubscribed.objects.exists()


def test_the_confirmation_link_works_for_a_week(client, sign_up):
    sign_up()
    link = link_in(mail.outbox[0], "confirm")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert "Thank you" in client.post(link).text
