"""Background work. In development and tests tasks run at once; in production `manage.py
worker` runs them from the database, so a slow or down mail server never holds up or loses
a booking."""

import datetime
import logging
import smtplib

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from booking import notifications, waitlist
from booking.models import Appointment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def retry_delay(attempt):
    """1, 2, 4 … minutes, at most an hour: with MAX_ATTEMPTS 8, about two hours in all
    (123 minutes from the first try to the last), which the README promises."""
    return datetime.timedelta(minutes=min(2 ** (attempt - 1), 60))


@task
def send_notification(appointment_id, kind, attempt=1):
    appointment = Appointment.objects.select_related("therapist", "service").get(pk=appointment_id)
    try:
        notifications.send(appointment, kind)
    except (smtplib.SMTPException, OSError):
        backend = send_notification.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            # Given up: the dashboard lists it for staff to call the patient. Ids only.
            logger.error(
                "Email %s for appointment %s failed for good after %s attempts.",
                kind,
                appointment_id,
                attempt,
            )
            raise
        # Logged with ids only: the log must carry no personal or health details.
        logger.warning(
            "Email %s for appointment %s failed (attempt %s); retrying.",
            kind,
            appointment_id,
            attempt,
        )
        send_notification.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
            appointment_id=appointment_id, kind=kind, attempt=attempt + 1
        )


def notify_after_commit(appointment, *kinds):
    """Queue the emails once the change is committed, with ids only, never personal data."""
    for kind in kinds:
        transaction.on_commit(
            lambda kind=kind: send_notification.enqueue(appointment_id=appointment.pk, kind=kind)
        )


@task
def offer_freed_time(therapist_id, start, end):
    """Tell the waitlist about a time a visit gave up (ISO instants: task arguments are JSON)."""
    waitlist.offer_freed_time(
        therapist_id=therapist_id,
        start=datetime.datetime.fromisoformat(start),
        end=datetime.datetime.fromisoformat(end),
    )


@task
def settle_waitlist(appointment_id):
    appointment = Appointment.objects.filter(pk=appointment_id).select_related("therapist").first()
    if appointment is not None and appointment.is_active:
        waitlist.time_booked(appointment)


def freed_after_commit(therapist_id, start, end):
    transaction.on_commit(
        lambda: offer_freed_time.enqueue(
            therapist_id=therapist_id, start=start.isoformat(), end=end.isoformat()
        )
    )


def booked_after_commit(appointment):
    transaction.on_commit(lambda: settle_waitlist.enqueue(appointment_id=appointment.pk))
