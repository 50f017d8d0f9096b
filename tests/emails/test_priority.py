"""The worker takes emails in order of priority: a mailing's thousands (PRIORITY_BULK) wait
behind every appointment email, even one queued after them; a message's own headers (a
digest's List-Unsubscribe) go out with it and are not kept once it has left."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from emails import outbox
from emails.models import Email
from tests.emails.test_outbox import message

# The worker commits its own transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(tasks=None):
    options = ["--batch", "--no-startup-delay"]
    call_command("db_worker", *options, *(["--max-tasks", str(tasks)] if tasks else []))


@override_settings(TASKS=DB_TASKS)
def test_an_appointment_email_queued_after_a_mailing_leaves_first():
    for number in range(30):
        outbox.send(message(f"reader{number}@example.com"), kind="digest", priority=-50)
    outbox.send(message("patient@example.com"), kind="confirmed", about="appointment:1")

    run_worker(tasks=1)
    assert [sent.to for sent in mail.outbox] == [["patient@example.com"]]
    assert Email.objects.filter(kind="digest", status=Email.Status.QUEUED).count() == 30

    run_worker()
    assert len(mail.outbox) == 31
    assert not Email.objects.filter(status=Email.Status.QUEUED).exists()


@override_settings(TASKS=DB_TASKS)
def test_a_mailing_email_that_failed_is_retried_at_the_mailing_priority(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.emails.test_priority.DownBackend"}}
    outbox.send(message(), kind="digest", priority=outbox.PRIORITY_BULK)
    run_worker(tasks=1)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.priority == outbox.PRIORITY_BULK
    assert retry.task_result.kwargs == {"email_id": Email.objects.get().pk, "attempt": 2}


@pytest.mark.django_db
def test_a_message_keeps_its_headers_until_it_has_left(django_capture_on_commit_callbacks):
    composed = message()
    composed.extra_headers["List-Unsubscribe"] = "<https://clinic.example/newsletter/u/x/>"
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.send(composed, kind="digest", priority=outbox.PRIORITY_BULK)
        assert Email.objects.get().headers == {
            "List-Unsubscribe": "<https://clinic.example/newsletter/u/x/>"
        }
    [sent] = mail.outbox
    assert sent.extra_headers["List-Unsubscribe"] == "<https://clinic.example/newsletter/u/x/>"
    assert sent.extra_headers[outbox.OUTBOX_HEADER] == str(email.pk)
    email.refresh_from_db()
    assert email.headers == {}


class DownBackend:
    """A mail server that is away."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")
