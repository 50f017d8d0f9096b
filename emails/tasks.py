"""Delivering the outbox (emails/outbox.py). In development and tests tasks run at once; in
production `manage.py worker` runs them from the database, so a slow or down mail server never
holds up or loses a booking."""

import datetime
import logging
import smtplib

from django.tasks import task
from django.utils import timezone

from emails import outbox
from emails.models import Email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def retry_delay(attempt):
    """1, 2, 4 … minutes, at most an hour: with MAX_ATTEMPTS 8, about two hours in all
    (123 minutes from the first try to the last), which the README promises."""
    return datetime.timedelta(minutes=min(2 ** (attempt - 1), 60))


# An email still queued this long after it was stored has outlived every retry (about two
# hours): its worker died mid-send, or its task was lost. The dashboard lists it as undelivered.
STUCK_AFTER = datetime.timedelta(hours=3)


def _give_up(email, attempt, reason):
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED, attempts=attempt, finished_at=timezone.now()
    )
    # Ids only: the log carries no address. The dashboard lists it for staff to call.
    logger.error(
        "Email %s (%s about %s) failed for good after %s attempts (%s).",
        email.pk, email.kind, email.about or "-", attempt, reason,
    )  # fmt: skip


def queued(*, priority, run_after=None):
    """`deliver` as the backend can run it: in order of priority and not before `run_after`
    where it keeps a queue (production's database); at once otherwise (tests, development)."""
    backend = deliver.get_backend()
    return deliver.using(
        priority=priority if backend.supports_priority else None,
        run_after=run_after if backend.supports_defer else None,
    )


@task
def deliver(email_id, attempt=1):
    email = Email.objects.filter(pk=email_id, status=Email.Status.QUEUED).first()
    if email is None:
        # Already sent, given up, or withdrawn (a change undone within its minute, while the
        # email waited: outbox.withdraw): every email goes at most once.
        return
    try:
        outbox.message_of(email).send()
    except smtplib.SMTPRecipientsRefused:
        # The server will never take this address: no use retrying for two hours.
        _give_up(email, attempt, "address refused")
        raise
    except (smtplib.SMTPException, OSError):
        if attempt >= MAX_ATTEMPTS or not deliver.get_backend().supports_defer:
            _give_up(email, attempt, "mail server unavailable")
            raise
        Email.objects.filter(pk=email_id).update(attempts=attempt)
        logger.warning(
            "Email %s (%s about %s) failed (attempt %s); retrying.",
            email_id, email.kind, email.about or "-", attempt,
        )  # fmt: skip
        queued(priority=email.priority, run_after=timezone.now() + retry_delay(attempt)).enqueue(
            email_id=email_id, attempt=attempt + 1
        )
        return
    except Exception as error:
        # Anything else will not mend by waiting: staff must hear of it, not a silent queue.
        _give_up(email, attempt, type(error).__name__)
        raise
    # Sent: the address and the message are not kept (the register of personal data).
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, attempts=attempt, finished_at=timezone.now(),
        to="", subject="", text="", html="", attachments=[], headers={},
    )  # fmt: skip
