"""The mailing list in the register of personal data: a subscriber's export carries the consent
record, erasure takes the address off (keeping the hash that stops the digest), and purge
forgets a sign-up nobody confirmed within its week."""

import datetime

import pytest
from django.utils import timezone

from articles.mailing.models import Subscriber, Unsubscribed
from clinic import personal_data
from clinic.models import Clinic
from clinic.personal_data import Person
from emails.outbox import recipient_key
from tests.articles.mailing.conftest import confirmed

pytestmark = pytest.mark.django_db


def person(*emails):
    return Person(emails=frozenset(emails))


def test_a_subscribers_export_carries_when_where_and_the_words_they_agreed_to(subscriber):
    exported = personal_data.export(person("reader@example.com"))["mailing_list"]
    [entry] = exported["subscriptions"]
    assert entry["email"] == "reader@example.com"
    assert entry["where"] == "Under an article (/articles/x/)"
    assert entry["wording_shown"] == "Get the articles."
    assert entry["confirmed_at"] == subscriber.confirmed_at.isoformat()
    assert personal_data.export(person("other@example.com"))["mailing_list"] == {
        "subscriptions": [],
        "unsubscribed_at": [],
    }


def test_erasing_a_subscriber_takes_the_address_off_and_keeps_only_the_hash(subscriber):
    confirmed("other@example.com")
    personal_data.erase(person("reader@example.com"))
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["other@example.com"]
    assert Unsubscribed.objects.filter(email_key=recipient_key("reader@example.com")).exists()
    exported = personal_data.export(person("reader@example.com"))["mailing_list"]
    assert exported["subscriptions"] == []
    assert len(exported["unsubscribed_at"]) == 1


def test_purge_forgets_sign_ups_not_confirmed_within_their_week(clinic, subscriber):
    now = timezone.now()
    for email, days in [("late@example.com", 8), ("recent@example.com", 6)]:
        Subscriber.objects.create(
            email=email, email_key=recipient_key(email), place="footer", path="/",
            wording="w", asked_at=now - datetime.timedelta(days=days),
        )  # fmt: skip
    said = {holding.key: what for holding, what in personal_data.purge(clinic, now)}
    assert said["mailing_list"] == "remove 1 unconfirmed sign-up"
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "reader@example.com", "recent@example.com",
    ]  # fmt: skip
    assert Clinic.objects.exists()
