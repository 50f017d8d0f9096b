"""A day-sheet change's emails wait in the outbox for its undo minute (emails/outbox.py's
not_before, the worker's run_after), and an undo withdraws them: a confirm taken back never
leaves the patient with a "confirmed" email. Through the real outbox and worker."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from booking.models import Appointment
from booking.rules import services
from emails import outbox
from emails.models import Email
from tests.booking import conftest as booking
from tests.emails.test_outbox import message

# The worker runs in its own transactions, as in production (its tasks are rows it commits).
pytestmark = pytest.mark.django_db(transaction=True)

# The booking tests' clinic, therapists and patient.
booking_clinic, dana, marcus, massage, monday, patient = (
    booking.booking_clinic, booking.dana, booking.marcus, booking.massage, booking.monday,
    booking.patient,
)  # fmt: skip
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DASHBOARD = reverse("admin:index")


@pytest.fixture
def request_today(massage, dana, monday, booking_clinic, patient):
    """A request for Monday 14:00, looked at that morning by the front desk."""
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=booking.at(monday, "14:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    Email.objects.all().delete()
    mail.outbox.clear()  # the request's own emails
    with time_machine.travel(booking.at(monday, "09:00", booking_clinic.zone), tick=False) as clock:
        yield appointment, clock


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


def confirm_from_the_day_sheet(client, appointment, capture):
    with capture(execute=True):
        return client.post(
            reverse("admin:booking_appointment_day_sheet", args=[appointment.pk, "confirm"]),
            {"next": DASHBOARD},
            follow=True,
        )


@override_settings(TASKS=DB_TASKS)
def test_an_undone_confirm_never_emails_the_patient(
    client, front_desk_user, request_today, django_capture_on_commit_callbacks
):
    appointment, clock = request_today
    client.force_login(front_desk_user)
    page = confirm_from_the_day_sheet(client, appointment, django_capture_on_commit_callbacks)
    assert "The patient is emailed in a minute." in page.content.decode()
    email = Email.objects.get(kind="confirmed")
    task = DBTaskResult.objects.get(task_path="emails.tasks.deliver")
    assert task.run_after > datetime.datetime.now(datetime.UTC) + services.UNDO_WINDOW
    run_worker()
    assert mail.outbox == []  # held for the undo minute

    clock.shift(45)
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:booking_appointment_undo", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED
    email.refresh_from_db()
    assert (email.status, email.to, email.subject) == (Email.Status.WITHDRAWN, "", "")

    clock.shift(120)  # the held task is due: the worker runs it, and it sends nothing
    run_worker()
    assert mail.outbox == []
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"


@override_settings(TASKS=DB_TASKS)
def test_a_confirm_left_in_place_is_emailed_once_the_minute_is_over(
    client, front_desk_user, request_today, django_capture_on_commit_callbacks, patient
):
    appointment, clock = request_today
    client.force_login(front_desk_user)
    confirm_from_the_day_sheet(client, appointment, django_capture_on_commit_callbacks)
    clock.shift(services.EMAIL_HOLD.total_seconds() + 1)
    run_worker()
    assert [sent.to for sent in mail.outbox] == [[patient.email]]
    assert Email.objects.get(kind="confirmed").status == Email.Status.SENT
    with pytest.raises(services.InvalidTransition, match="more than a minute"):
        services.undo(appointment=appointment, by=front_desk_user)


def test_where_emails_cannot_wait_an_undo_after_the_email_left_is_refused_and_says_so(
    client, front_desk_user, request_today, django_capture_on_commit_callbacks
):
    """Development sends at once (no worker to wait): the confirm is then kept, not undone
    behind the patient's back."""
    appointment, _clock = request_today
    client.force_login(front_desk_user)
    confirm_from_the_day_sheet(client, appointment, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    page = client.post(
        reverse("admin:booking_appointment_undo", args=[appointment.pk]), follow=True
    ).content.decode()
    assert "already been emailed about this change" in page
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


@override_settings(TASKS=DB_TASKS)
def test_only_a_held_email_waits(django_capture_on_commit_callbacks):
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send(message(), kind="confirmed", about="appointment:1")
        held = outbox.send(message(), kind="confirmed", about="appointment:2", not_before=later)
    run_worker()
    assert len(mail.outbox) == 1
    held.refresh_from_db()
    assert held.status == Email.Status.QUEUED
