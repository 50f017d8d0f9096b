""" "Needs a doctor's note first" becomes a dashboard task, "call the patient", until the desk
records that the note came (or the visit is cancelled): services.record_doctor_note and the
dashboard's buttons."""

import pytest
from django.urls import reverse

from booking.models import Appointment, AppointmentEvent
from booking.rules import services
from tests.booking.conftest import at
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:index")
HEADING = "Doctor’s note needed — call the patient"


@pytest.fixture
def needs_note(massage, dana, monday, booking_clinic, patient, front_desk_user):
    """Dana's Monday visit, whose screening she read as "needs a doctor's note first"."""
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    services.review_screening(appointment=visit, by=None, outcome="doctor_note")
    return visit


def record(client, visit, outcome):
    return client.post(
        reverse("admin:booking_appointment_doctor_note", args=[visit.pk]),
        {"outcome": outcome, "next": DASHBOARD},
        follow=True,
    )


def test_the_review_puts_a_call_on_the_dashboard_with_what_the_desk_needs(
    client, front_desk_user, needs_note
):
    client.force_login(front_desk_user)
    response = client.get(DASHBOARD)
    assert response.context["dashboard"].doctor_notes == [needs_note]
    page = response.content.decode()
    task = page[page.index(HEADING) :]
    for shown in ("Avery Chen", "+14165550101", "Dana Whitfield", "Not called yet"):
        assert shown in task
    assert "Patient told, note awaited" in task


def test_told_keeps_the_task_as_awaiting_and_received_ends_it(client, front_desk_user, needs_note):
    client.force_login(front_desk_user)
    page = record(client, needs_note, "told").content.decode()
    assert f"{needs_note.reference} · Avery Chen: patient told; the note is awaited." in page
    task = page[page.index(HEADING) :]
    assert "Patient told; the note is awaited" in task
    assert "Patient told, note awaited" not in task  # done: only "Note received" is left
    needs_note.refresh_from_db()
    assert needs_note.doctor_note == Appointment.DoctorNote.TOLD

    page = record(client, needs_note, "received").content.decode()
    assert "doctor’s note received." in page
    assert client.get(DASHBOARD).context["dashboard"].doctor_notes == []
    followed = needs_note.events.filter(action=AppointmentEvent.Action.DOCTOR_NOTE)
    assert [(e.actor, e.note) for e in followed] == [
        (front_desk_user, "Patient told; the note is awaited"),
        (front_desk_user, "Doctor’s note received"),
    ]


def test_cancelling_the_visit_ends_the_task(client, front_desk_user, needs_note):
    services.cancel_appointment(appointment=needs_note, by=front_desk_user)
    client.force_login(front_desk_user)
    assert client.get(DASHBOARD).context["dashboard"].doctor_notes == []
    assert "there is nothing to follow up" in record(client, needs_note, "told").content.decode()


def test_a_visit_that_needs_no_note_or_a_made_up_outcome_is_a_message(
    client, front_desk_user, needs_note, massage, marcus, monday, booking_clinic, patient
):
    client.force_login(front_desk_user)
    assert "Please choose" in record(client, needs_note, "lost").content.decode()
    other = services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "15:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    assert "needs no doctor’s note" in record(client, other, "received").content.decode()


def test_a_therapist_sees_her_own_tasks_without_buttons_and_cannot_record(
    client, needs_note, dana, marcus
):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    page = client.get(DASHBOARD).content.decode()
    task = page[page.index(HEADING) :]
    assert "Avery Chen" in task
    assert "Note received" not in task
    assert record(client, needs_note, "received").status_code == 403
    needs_note.refresh_from_db()
    assert needs_note.doctor_note == ""

    sign_in_as(client, "Therapists", username="marcus", therapist=marcus)
    assert client.get(DASHBOARD).context["dashboard"].doctor_notes == []
