import datetime
import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from booking.models import Appointment, Patient
from booking.rules import services
from tests.booking.conftest import at

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def history(massage, dana, marcus, monday, booking_clinic, patient, front_desk_user):
    """An old completed visit, an old cancelled request, and a coming visit (all one patient)."""
    zone = booking_clinic.zone
    old = services.request_appointment(service=massage, therapist=dana, start=at(monday, "09:00", zone), patient=patient)  # fmt: skip
    dropped = services.request_appointment(service=massage, therapist=marcus, start=at(monday, "13:00", zone), patient=patient)  # fmt: skip
    services.cancel_appointment(appointment=dropped, by=front_desk_user, message="Sorry, Avery")
    coming = services.request_appointment(service=massage, therapist=dana, start=at(monday, "13:00", zone), patient=patient)  # fmt: skip
    long_ago = timezone.now() - 800 * DAY
    Appointment.objects.filter(pk=old.pk).update(
        status="completed", start=long_ago, end=long_ago + DAY / 24, hold_until=long_ago + DAY / 24
    )
    Appointment.objects.filter(pk=dropped.pk).update(updated_at=timezone.now() - 40 * DAY)
    LogEntry.objects.create(
        user=front_desk_user, content_type=ContentType.objects.get_for_model(Appointment),
        object_id=str(old.pk), object_repr=f"{old.reference} · Avery Chen", action_flag=CHANGE,
    )  # fmt: skip
    return old, dropped, coming


def test_a_dry_run_says_what_would_go_and_changes_nothing(history):
    output = io.StringIO()
    call_command("purge_personal_data", dry_run=True, stdout=output)
    assert "would anonymise 2 visits and remove 0 patient records" in output.getvalue()
    assert "Nothing changed." in output.getvalue()
    assert Appointment.objects.filter(patient_name="Avery Chen").count() == 3


def test_old_visits_and_unbooked_requests_lose_every_personal_detail(history):
    old, dropped, coming = history
    output = io.StringIO()
    call_command("purge_personal_data", stdout=output)
    assert "done: anonymise 2 visits and remove 0 patient records" in output.getvalue()
    for gone in (old, dropped):
        gone.refresh_from_db()
        assert (gone.patient_name, gone.patient_email, gone.patient_phone) == ("(removed)", "", "")
        assert (gone.reason, gone.screening, gone.patient) == ("", {}, None)
        assert gone.message_to_patient == ""
        assert not gone.history.exists()
        assert all(event.note == "" for event in gone.events.all())
    assert not LogEntry.objects.filter(object_id=str(old.pk)).exists()
    # The coming visit, and the patient's record it belongs to, stay.
    coming.refresh_from_db()
    assert coming.patient_name == "Avery Chen"
    assert Patient.objects.filter(pk=coming.patient_id).exists()


def test_a_patient_left_with_no_visit_is_removed(history):
    *_, coming = history
    Appointment.objects.filter(pk=coming.pk).update(
        status="cancelled", updated_at=timezone.now() - 40 * DAY
    )
    call_command("purge_personal_data", stdout=io.StringIO())
    assert not Patient.objects.exists()
    assert not Patient.history.exists()
