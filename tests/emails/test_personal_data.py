"""The outbox in the register of personal data (emails/personal_data.py): what stays of an email
once sent goes after a week, one that failed after a month."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from emails.models import Email
from emails.outbox import recipient_key
from emails.personal_data import FAILED_KEPT, SENT_KEPT

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def email(status, age, kind="appointment_requested"):
    return Email.objects.create(
        kind=kind, status=status, recipient_key=recipient_key("avery@example.com"),
        created_at=NOW - age,
    )  # fmt: skip


def test_sent_and_held_emails_are_deleted_after_seven_days_and_failed_ones_after_thirty(clinic):
    email(Email.Status.SENT, SENT_KEPT + SECOND)
    email(Email.Status.HELD, SENT_KEPT + SECOND)
    recent = email(Email.Status.SENT, SENT_KEPT - SECOND)
    failed = email(Email.Status.FAILED, SENT_KEPT + SECOND)
    email(Email.Status.FAILED, FAILED_KEPT + SECOND)
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", stdout=io.StringIO())
    assert set(Email.objects.all()) == {recent, failed}
