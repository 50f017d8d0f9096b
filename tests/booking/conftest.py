import datetime

import pytest
from django.utils import timezone

from booking.rules.services import PatientDetails
from clinic.models import Clinic
from tests.factories import ServiceFactory, TherapistFactory, WorkingHoursFactory

WEEKDAYS = range(5)


def clinic_today():
    """Today as the clinic's pages count it: in its own zone, not the server's UTC."""
    return timezone.localdate(timezone=Clinic.objects.current().zone)


def next_weekday(weekday, *, after=None, weeks_ahead=1):
    """A date `weeks_ahead` weeks out on `weekday` (0 = Monday), in the future whatever today is."""
    start = (after or clinic_today()) + datetime.timedelta(weeks=weeks_ahead)
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


def at(day, clock, zone):
    """An aware datetime for a clinic wall-clock time."""
    return datetime.datetime.combine(day, datetime.time.fromisoformat(clock), tzinfo=zone)


@pytest.fixture
def booking_clinic(clinic):
    clinic.min_notice_hours = 2
    clinic.booking_horizon_days = 60
    clinic.slot_step_minutes = 15
    clinic.cancellation_notice_hours = 24
    clinic.request_expiry_hours = 24
    # Tests about other things book many times for one patient; tests of the limits set them.
    clinic.max_holds_per_contact = 1000
    clinic.max_requests_per_address_hour = 1000
    clinic.save()
    return clinic


@pytest.fixture
def dana(booking_clinic):
    therapist = TherapistFactory(name="Dana Whitfield", slug="dana-whitfield")
    for day in WEEKDAYS:
        WorkingHoursFactory(
            therapist=therapist,
            weekday=day,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
        WorkingHoursFactory(
            therapist=therapist,
            weekday=day,
            start_time=datetime.time(13),
            end_time=datetime.time(17),
        )
    return therapist  # fmt: skip


@pytest.fixture
def marcus(booking_clinic):
    therapist = TherapistFactory(name="Marcus Oyelaran", slug="marcus-oyelaran")
    for day in WEEKDAYS:
        WorkingHoursFactory(
            therapist=therapist,
            weekday=day,
            start_time=datetime.time(9),
            end_time=datetime.time(17),
        )
    return therapist  # fmt: skip


@pytest.fixture
def massage(dana, marcus):
    return ServiceFactory(
        name="Deep tissue massage",
        slug="deep-tissue",
        duration_minutes=60,
        buffer_minutes=15,
        therapists=[dana, marcus],
    )


@pytest.fixture
def patient():
    return PatientDetails(
        name="Avery Chen",
        email="avery@example.com",
        phone="+14165550101",
        is_new_patient=True,
        reason="Sore lower back after moving house",
        screening={"pregnancy": True, "heart_condition": False},
        consented=True,
    )


@pytest.fixture
def monday(booking_clinic):
    return next_weekday(0)
