"""Instant booking for returning patients, where the clinic's policy offers it."""

import dataclasses
import datetime

import pytest
from django.core import mail

from booking.models import Appointment
from booking.rules import services
from tests.booking.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def returning(patient):
    return dataclasses.replace(patient, is_new_patient=False, screening={})


@pytest.fixture
def seen_before(massage, dana, monday, booking_clinic, returning):
    """A visit of this patient that took place (booked, confirmed, completed)."""
    earlier = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone),
        patient=returning,
    )  # fmt: skip
    Appointment.objects.filter(pk=earlier.pk).update(status=Appointment.Status.COMPLETED)
    mail.outbox.clear()
    return earlier


def request(massage, dana, monday, booking_clinic, details, clock="14:00"):
    return services.request_appointment(
        service=massage, therapist=dana, start=at(monday, clock, booking_clinic.zone),
        patient=details,
    )  # fmt: skip


def test_off_by_default_every_request_waits_for_staff(
    seen_before, massage, dana, monday, booking_clinic, returning
):
    assert request(massage, dana, monday, booking_clinic, returning).status == "requested"


def test_a_returning_patient_without_flags_is_confirmed_at_once(
    seen_before, massage, dana, monday, booking_clinic, returning
):
    booking_clinic.instant_booking_for_returning = True
    booking_clinic.save()
    visit = request(massage, dana, monday, booking_clinic, returning)
    assert visit.status == Appointment.Status.CONFIRMED
    to_patient = [m.subject for m in mail.outbox if m.to == ["avery@example.com"]]
    assert to_patient == ["Your appointment at Test Clinic is confirmed"]


@pytest.mark.parametrize(
    "change",
    [
        {"screening": {"pregnancy": True}},  # a flag for a therapist to look at
        {"is_new_patient": True},
        {"email": "someone.else@example.com", "phone": "+14165550199"},  # never seen here
    ],
)
def test_anyone_else_still_waits_for_staff(
    seen_before, massage, dana, monday, booking_clinic, returning, change
):
    booking_clinic.instant_booking_for_returning = True
    booking_clinic.save()
    visit = request(massage, dana, monday, booking_clinic, dataclasses.replace(returning, **change))
    assert visit.status == Appointment.Status.REQUESTED


def test_a_visit_that_never_took_place_does_not_make_a_patient_returning(
    massage, dana, monday, booking_clinic, returning
):
    booking_clinic.instant_booking_for_returning = True
    booking_clinic.save()
    request(massage, dana, monday, booking_clinic, returning, clock="09:00")
    later = request(massage, dana, monday + datetime.timedelta(days=1), booking_clinic, returning)
    assert later.status == Appointment.Status.REQUESTED
