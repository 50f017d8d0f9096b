"""Background work of the waitlist: offering a freed time, settling offers once a time is
booked. In development and tests tasks run at once; in production `manage.py worker` runs them.
Emails themselves go through the outbox (emails/)."""

import datetime

from django.db import transaction
from django.tasks import task

from booking import waitlist
from booking.models import Appointment, SignInRequest


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


@task
def answer_sign_in_request(request_id):
    """Send the link, if the address is a patient's, and forget the request."""
    from booking import returning  # returning queues this task

    asked = SignInRequest.objects.filter(pk=request_id).first()
    if asked is not None:
        returning.send_link(asked.email)
        asked.delete()
