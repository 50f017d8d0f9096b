"""The digest: on the clinic's schedule, each confirmed subscriber gets the articles published
since their last one (nothing when there are none), with RFC 8058's headers and a visible
unsubscribe link, at the outbox's bulk priority; an address that left is never mailed."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.mailing import digest, services
from articles.mailing.models import Digest, Subscriber, Unsubscribed
from emails import outbox
from emails.models import Email
from emails.outbox import recipient_key
from tests.articles.mailing.conftest import confirmed, link_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# Monday 2 March 2026, 9:00 in Toronto (the clinic's zone; 14:00 UTC).
MONDAY_9 = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def run(capture, when):
    output = io.StringIO()
    with time_machine.travel(when, tick=False), capture(execute=True):
        call_command("send_article_digest", stdout=output)
    return output.getvalue()


@pytest.fixture
def readers(clinic):
    """Two readers who confirmed a month before, and one sign-up never confirmed."""
    month_ago = MONDAY_9 - datetime.timedelta(days=30)
    confirmed("ana@example.com", at=month_ago)
    confirmed("ben@example.com", at=month_ago)
    Subscriber.objects.create(
        email="never@example.com", email_key=recipient_key("never@example.com"),
        asked_at=month_ago, place="footer", path="/", wording="w",
    )  # fmt: skip


def published(title, when):
    return ArticleFactory(title=title, published_at=when)


def test_each_confirmed_reader_gets_the_new_articles_with_one_click_unsubscribe(
    readers, django_capture_on_commit_callbacks
):
    published("Older, before they joined", MONDAY_9 - datetime.timedelta(days=40))
    published("Does massage help low back pain?", MONDAY_9 - datetime.timedelta(days=3))
    published("Heat or ice?", MONDAY_9 - datetime.timedelta(days=1))
    published("Scheduled for later", MONDAY_9 + datetime.timedelta(days=1))

    said = run(django_capture_on_commit_callbacks, MONDAY_9)
    assert "2 subscriber(s), 2 article(s)" in said
    assert sorted(sent.to[0] for sent in mail.outbox) == ["ana@example.com", "ben@example.com"]
    email = next(sent for sent in mail.outbox if sent.to == ["ana@example.com"])
    assert email.subject == "New from Test Clinic: 2 articles for you"
    assert "Does massage help low back pain?" in email.body
    assert "Heat or ice?" in email.body
    assert "Older" not in email.body
    assert "Scheduled" not in email.body
    assert "1 Main Street" in email.body  # CASL: the sender's postal address
    ana = Subscriber.objects.get(email="ana@example.com")
    unsubscribe = reverse("mailing:unsubscribe", args=[ana.unsubscribe_token])
    assert email.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_in(email, "unsubscribe") == unsubscribe  # and visible in the text
    assert unsubscribe in email.alternatives[0][0]
    assert Email.objects.filter(kind="digest").values_list(
        "priority", flat=True
    ).distinct().get() == (outbox.PRIORITY_BULK)

    [sent] = Digest.objects.all()
    assert sent.recipients == 2
    assert sorted(sent.articles.values_list("title", flat=True)) == [
        "Does massage help low back pain?", "Heat or ice?",
    ]  # fmt: skip


def test_the_next_digest_carries_only_what_is_new_since_and_nothing_when_nothing_is(
    readers, django_capture_on_commit_callbacks
):
    published("First", MONDAY_9 - datetime.timedelta(days=1))
    run(django_capture_on_commit_callbacks, MONDAY_9)
    mail.outbox.clear()

    week_later = MONDAY_9 + datetime.timedelta(days=7)
    run(django_capture_on_commit_callbacks, week_later)
    assert mail.outbox == []  # nothing new, nothing sent
    assert Digest.objects.first().recipients == 0

    published("Second", week_later + datetime.timedelta(days=2))
    run(django_capture_on_commit_callbacks, week_later + datetime.timedelta(days=7))
    assert {sent.subject for sent in mail.outbox} == {"New from Test Clinic: 1 article for you"}
    assert all("Second" in sent.body and "First" not in sent.body for sent in mail.outbox)


JOINING = MONDAY_9 - datetime.timedelta(days=3)


def queries_for_a_list_who_confirmed_at_different_times(clinic, count):
    """A run for `count` readers who each confirmed a minute apart from JOINING, among the
    articles: (the queries it asks, the titles each reader is sent)."""
    for number in range(count):
        confirmed(f"reader{number}@example.com", at=JOINING + datetime.timedelta(minutes=number))
    with time_machine.travel(MONDAY_9, tick=False), CaptureQueriesContext(connection) as asked:
        sent = digest.send(clinic, Digest(started_at=MONDAY_9))
    titles = {
        email.to: [title for title in ("At 20", "At 45", "At 100", "At 150") if title in email.text]
        for email in Email.objects.filter(kind="digest")
    }
    assert sent.recipients == len(titles) == min(count, 150)  # the last joined after them all
    # The outbox stores each email (one INSERT each); the digest's own queries are the rest.
    stored = [query for query in asked if query["sql"].startswith('INSERT INTO "emails_email"')]
    assert len(stored) == sent.recipients
    return len(asked) - len(stored), titles


def test_the_digest_asks_the_same_queries_for_50_or_200_readers_who_joined_apart(clinic):
    """Readers whose first digest is pending each have their own moment (when they confirmed):
    the articles are read once per run and each reader's picked from them, not one query each."""
    for minutes in (-60, 20, 45, 100, 150):  # one before them all, the others among them
        published(f"At {minutes}", JOINING + datetime.timedelta(minutes=minutes))
    at_50, titles = queries_for_a_list_who_confirmed_at_different_times(clinic, 50)
    assert titles["reader0@example.com"] == ["At 20", "At 45", "At 100", "At 150"]
    assert titles["reader20@example.com"] == ["At 45", "At 100", "At 150"]  # not the same minute
    assert titles["reader49@example.com"] == ["At 100", "At 150"]
    Email.objects.all().delete(), Subscriber.objects.all().delete(), Digest.objects.all().delete()
    at_200, titles = queries_for_a_list_who_confirmed_at_different_times(clinic, 200)
    assert titles["reader149@example.com"] == ["At 150"]
    assert "reader150@example.com" not in titles
    assert at_50 == at_200


def test_the_digest_keeps_the_clinics_schedule(clinic):
    clinic.digest_every_days, clinic.digest_hour = 7, 9
    assert digest.due(clinic, MONDAY_9 - datetime.timedelta(minutes=15)) is None  # 8:45
    assert digest.due(clinic, MONDAY_9) is not None
    Digest.objects.create(started_at=MONDAY_9, finished_at=MONDAY_9)
    assert digest.due(clinic, MONDAY_9 + datetime.timedelta(days=6, hours=8)) is None
    assert digest.due(clinic, MONDAY_9 + datetime.timedelta(days=7)) is not None
    clinic.digest_every_days = 0
    assert digest.due(clinic, MONDAY_9 + datetime.timedelta(days=30)) is None


def test_a_run_cut_short_is_taken_up_by_the_next_for_the_rest(
    readers, django_capture_on_commit_callbacks
):
    published("First", MONDAY_9 - datetime.timedelta(days=1))
    cut = Digest.objects.create(started_at=MONDAY_9)
    Subscriber.objects.filter(email="ana@example.com").update(last_digest_at=MONDAY_9)
    run(django_capture_on_commit_callbacks, MONDAY_9 + datetime.timedelta(minutes=15))
    assert [sent.to for sent in mail.outbox] == [["ben@example.com"]]
    cut.refresh_from_db()
    assert cut.finished_at is not None
    assert Digest.objects.count() == 1


def test_an_address_that_left_is_never_mailed_even_if_its_row_came_back(
    readers, django_capture_on_commit_callbacks
):
    published("First", MONDAY_9 - datetime.timedelta(days=1))
    # Ana unsubscribed after she confirmed (a restored backup brought her row back).
    Unsubscribed.objects.create(
        email_key=recipient_key("ana@example.com"), at=MONDAY_9 - datetime.timedelta(days=2)
    )
    run(django_capture_on_commit_callbacks, MONDAY_9)
    assert [sent.to for sent in mail.outbox] == [["ben@example.com"]]


def test_unsubscribing_withdraws_a_digest_still_waiting_in_the_outbox(clinic, readers):
    published("First", MONDAY_9 - datetime.timedelta(days=1))
    with time_machine.travel(MONDAY_9, tick=False):
        digest.send(clinic, Digest(started_at=MONDAY_9))  # queued, its commit not come yet
    ana = Subscriber.objects.get(email="ana@example.com")
    services.unsubscribe(ana)
    statuses = dict(Email.objects.filter(kind="digest").values_list("recipient_key", "status"))
    assert statuses[recipient_key("ana@example.com")] == Email.Status.WITHDRAWN
    assert statuses[recipient_key("ben@example.com")] == Email.Status.QUEUED


def test_the_command_says_when_nothing_is_due(clinic):
    output = io.StringIO()
    with time_machine.travel(MONDAY_9 - datetime.timedelta(hours=1), tick=False):
        call_command("send_article_digest", stdout=output)
    assert output.getvalue() == "No digest due.\n"
    assert not Digest.objects.exists()


def test_the_periodic_timer_runs_the_digest_command():
    unit = (Path(settings.BASE_DIR) / "deploy/clinic-periodic.service").read_text()
    assert "ExecStart=/srv/clinic/app/.venv/bin/python manage.py send_article_digest" in unit
