import datetime

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import Appointment
from booking.rules import courses, services
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


@pytest.fixture
def tuesday_visit(massage, dana, booking_clinic, patient, front_desk_user):
    """Avery's confirmed visit with Dana, a Tuesday at 10:00 weeks ahead: a course starts here."""
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=at(next_weekday(1), "10:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    services.confirm_appointment(appointment=appointment, by=front_desk_user)
    # Her screening flagged a pregnancy; Dana has read it: OK to treat.
    services.review_screening(appointment=appointment, by=front_desk_user, outcome="ok")
    appointment.refresh_from_db()
    mail.outbox.clear()
    return appointment


@pytest.fixture
def weekly_course(tuesday_visit, booking_clinic, front_desk_user):
    """Six weekly Tuesday visits from `tuesday_visit`, booked as a course, in time order."""
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=1, weekdays=[1], visits=6, zone=booking_clinic.zone
    )
    course = courses.book(
        visit=tuesday_visit, starts=starts, every_weeks=1, weekdays=[1], by=front_desk_user
    )
    mail.outbox.clear()
    return list(course.visits.order_by("start"))


def book_someone_else(start, service, therapist, by):
    """Another caller (no email) booked by the desk at `start`: a time the course cannot have."""
    return services.book_by_staff(
        appointment=Appointment(
            service=service, therapist=therapist, start=start, patient_name="Sam Other",
            patient_phone="+14165550999",
        ),
        by=by,
    )  # fmt: skip
