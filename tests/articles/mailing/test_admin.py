"""Staff see how many are subscribed and which digests went; the addresses and their CSV export
are the owner's alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITORS, FRONT_DESK, OWNER, THERAPISTS
from articles.mailing.models import Digest, Subscriber
from emails.outbox import recipient_key
from tests.articles.mailing.conftest import confirmed
from tests.conftest import sign_in_as
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
DIGESTS = reverse("admin:mailing_digest_changelist")
SUBSCRIBERS = reverse("admin:mailing_subscriber_changelist")
EXPORT = reverse("admin:mailing_subscriber_export")


@pytest.fixture
def the_list(clinic):
    for number in range(3):
        confirmed(f"reader{number}@example.com")
    Subscriber.objects.create(
        email="waiting@example.com", email_key=recipient_key("waiting@example.com"),
        place="footer", path="/", wording="w",
    )  # fmt: skip
    sent = Digest.objects.create(
        started_at=timezone.now() - datetime.timedelta(days=1), finished_at=timezone.now(),
        recipients=3,
    )  # fmt: skip
    sent.articles.add(ArticleFactory(title="Heat or ice?"))


def test_the_owner_sees_the_count_the_digests_and_exports_the_list(client, the_list):
    sign_in_as(client, OWNER, username="owner")
    page = client.get(DIGESTS).text
    assert "<strong>3</strong> confirmed subscribers" in page
    assert "1 sign-up waiting for confirmation" in page
    assert "Heat or ice?" in page
    assert "Every week, from 9:00 clinic time" in page
    assert "reader0@example.com" not in page  # counts only, on this page

    assert "Export the list as CSV" in client.get(SUBSCRIBERS).text
    export = client.get(EXPORT)
    rows = export.content.decode().splitlines()
    assert rows[0] == "Email,Confirmed at,Asked at,Where,Page,Wording shown"
    assert len(rows) == 4  # the confirmed three
    assert "waiting@example.com" not in export.content.decode()


@pytest.mark.parametrize("role", [FRONT_DESK, EDITORS, THERAPISTS])
def test_no_one_else_reads_or_exports_the_addresses(client, the_list, role):
    sign_in_as(client, role, username="staff")
    assert client.get(EXPORT).status_code == 403
    assert client.get(SUBSCRIBERS).status_code == 403


def test_a_csv_cell_never_becomes_a_formula(client, clinic):
    confirmed("=cmd@example.com")
    sign_in_as(client, OWNER, username="owner")
    assert "'=cmd@example.com" in client.get(EXPORT).content.decode()


@pytest.mark.parametrize("role", [FRONT_DESK, EDITORS])
def test_the_desk_and_editors_see_the_count_and_the_digests_not_the_addresses(
    client, the_list, role
):
    sign_in_as(client, role, username="staff")
    page = client.get(DIGESTS).text
    assert "<strong>3</strong> confirmed subscribers" in page
    assert "Heat or ice?" in page
    assert SUBSCRIBERS not in page


def test_a_therapist_does_not_see_the_mailing_list(client, the_list):
    sign_in_as(client, THERAPISTS, username="therapist")
    assert client.get(DIGESTS).status_code == 403


@pytest.mark.parametrize("digests", [2, 20])
def test_the_digests_page_asks_the_same_queries_for_2_or_20_digests(
    client, clinic, digests, django_assert_num_queries
):
    articles = [ArticleFactory() for _ in range(3)]
    for _ in range(digests):
        sent = Digest.objects.create(finished_at=timezone.now(), recipients=5)
        sent.articles.add(*articles)
    sign_in_as(client, OWNER, username="owner")
    client.get(DIGESTS)  # the session and permissions, read once
    with django_assert_num_queries(QUERIES_FOR_THE_DIGESTS_PAGE):
        assert client.get(DIGESTS).status_code == 200


QUERIES_FOR_THE_DIGESTS_PAGE = 16
