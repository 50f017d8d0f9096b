"""A big digest never delays a booking email: through the real queue (django-tasks-db) and
worker, an appointment email queued after the digest's is the worker's next task."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from articles.mailing import digest
from articles.mailing.models import Digest
from clinic.models import Clinic
from emails import outbox
from emails.models import Email
from tests.articles.mailing.conftest import confirmed
from tests.emails.test_outbox import message
from tests.factories import ArticleFactory

# The worker commits its own transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_a_booking_email_queued_after_a_big_digest_leaves_first(clinic):
    week_ago = timezone.now() - datetime.timedelta(days=7)
    for number in range(60):
        confirmed(f"reader{number}@example.com", at=week_ago)
    ArticleFactory(title="Heat or ice?")
    digest.send(Clinic.objects.current(), Digest(started_at=timezone.now()))
    outbox.send(message("patient@example.com"), kind="confirmed", about="appointment:1")

    call_command("db_worker", "--batch", "--no-startup-delay", "--max-tasks", "1")
    assert [sent.to for sent in mail.outbox] == [["patient@example.com"]]
    assert Email.objects.filter(kind="digest", status=Email.Status.QUEUED).count() == 60
