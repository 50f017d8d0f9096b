"""The lifecycle table (booking/rules/lifecycle.py): the services enforce it, the admin shows it."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from booking.models import Appointment
from booking.rules import lifecycle, services
from tests.booking.conftest import at

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
# Moments relative to the visit's start, each on one side of a rule in the table.
MOMENTS = {
    "a day before": -24 * HOUR,
    "half an hour before": -HOUR / 2,
    "just after it starts": datetime.timedelta(minutes=5),
}


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient):
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    mail.outbox.clear()
    return appointment


def in_status(appointment, status):
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment.refresh_from_db()
    return appointment


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("status", [s for s, _ in Appointment.Status.choices])
def test_the_services_accept_exactly_what_the_table_allows(visit, front_desk_user, status, moment):
    now = visit.start + MOMENTS[moment]
    for name, step in lifecycle.TRANSITIONS.items():
        appointment = in_status(visit, status)
        allowed = not step.refusal(appointment, now)
        try:
            services.change_status(
                appointment=appointment, transition=name, by=front_desk_user, now=now
            )
        except services.InvalidTransition:
            assert not allowed, (name, status, moment)
        else:
            assert allowed, (name, status, moment)
            assert appointment.status == step.target
            assert appointment.events.last().action == step.action


def test_an_injected_now_decides_the_timing_rules(visit, front_desk_user):
    """Completing needs the visit to have started: by the `now` given, not the wall clock."""
    services.confirm_appointment(appointment=visit, by=front_desk_user, now=visit.start - HOUR)
    with pytest.raises(services.InvalidTransition, match="has not started yet"):
        services.mark_completed(appointment=visit, by=front_desk_user, now=visit.start - HOUR)
    services.mark_completed(appointment=visit, by=front_desk_user, now=visit.start + HOUR)
    assert visit.status == Appointment.Status.COMPLETED


def test_an_arrived_patient_still_holds_the_therapists_time(visit, front_desk_user, massage, dana):
    services.confirm_appointment(appointment=visit, by=front_desk_user)
    services.mark_arrived(appointment=visit, by=front_desk_user, now=visit.start - HOUR / 2)
    assert visit.status == Appointment.Status.ARRIVED
    assert visit.is_active
    probe = Appointment(service=massage, therapist=dana, start=visit.start + HOUR / 2)
    assert services.first_clash(probe) == visit


@pytest.mark.parametrize(
    ("name", "moment", "says"),
    [
        ("confirm", "a day before", "confirmed. The patient is told by email."),
        ("complete", "just after it starts", "completed."),
        ("no_show", "just after it starts", "marked no-show."),
        ("arrive", "half an hour before", "marked arrived."),
    ],
)
def test_the_admin_says_what_happened_and_claims_no_email_it_did_not_send(
    client, front_desk_user, visit, name, moment, says, django_capture_on_commit_callbacks
):
    if name != "confirm":
        in_status(visit, Appointment.Status.CONFIRMED)
    with time_machine.travel(visit.start + MOMENTS[moment], tick=False):
        client.force_login(front_desk_user)  # signed in that day: a sign-in lasts a working day
        change = client.get(reverse("admin:booking_appointment_change", args=[visit.pk]))
        buttons = [t["name"] for t in change.context["transitions"]]
        assert name in buttons
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:booking_appointment_transition", args=[visit.pk, name]), follow=True
            )
    page = response.content.decode()
    assert f"{visit.reference}: {says}" in page
    assert ("told by email" in page) == bool(mail.outbox)


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("status", [Appointment.Status.REQUESTED, Appointment.Status.CONFIRMED])
def test_the_admin_shows_exactly_the_buttons_the_services_accept(
    client, front_desk_user, visit, status, moment
):
    in_status(visit, status)
    now = visit.start + MOMENTS[moment]
    with time_machine.travel(now, tick=False):
        client.force_login(front_desk_user)
        change = client.get(reverse("admin:booking_appointment_change", args=[visit.pk]))
    shown = {t["name"] for t in change.context["transitions"]}
    accepted = {
        name
        for name, step in lifecycle.TRANSITIONS.items()
        if step.staff_button and not step.refusal(visit, now)
    }
    assert shown == accepted
    assert shown  # every one of these moments leaves staff something to do
