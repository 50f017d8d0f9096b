"""A patient's file and their erasure (booking/privacy/patient_data.py) walk the register of personal
data: whatever it lists about the patient is in the file and goes with the erasure."""

import dataclasses
import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import RequestFactory

from booking.models import PatientSignInLink, WaitlistEntry
from booking.privacy import patient_data
from booking.request import drafts
from booking.rules import services
from emails.models import Email
from emails.outbox import recipient_key
from tests.booking.conftest import at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def avery_and_blake(massage, dana, monday, booking_clinic, patient):
    """Two patients, each with a visit, a waitlist entry, a sign-in link, a booking in progress
    in a browser's session and emails in the outbox (the request's acknowledgement)."""
    zone = booking_clinic.zone
    blake = dataclasses.replace(patient, name="Blake Ito", email="blake@example.com", phone="+14165550199")  # fmt: skip
    records = {}
    for clock, details in (("09:00", patient), ("13:00", blake)):
        visit = services.request_appointment(service=massage, therapist=dana, start=at(monday, clock, zone), patient=details)  # fmt: skip
        record = visit.patient
        records[details.email] = record
        WaitlistEntry.objects.create(
            service=massage, email=details.email.upper(), first_day=monday, last_day=monday
        )
        PatientSignInLink.objects.create(patient=record, token_hash=f"hash-{record.pk}")
        request = RequestFactory().post("/")
        request.session = SessionStore()
        drafts.keep(request, {"name": details.name, "phone": details.phone, "reason": "Neck"})
        request.session.save()
    assert Email.objects.filter(recipient_key=recipient_key("avery@example.com")).exists()
    return records["avery@example.com"], records["blake@example.com"]


def drafts_typed_by():
    return sorted(
        session.get_decoded()[drafts.SESSION_KEY]["fields"]["name"]
        for session in Session.objects.all()
    )


def test_erasure_removes_the_patients_waitlist_sign_in_links_drafts_and_emails(avery_and_blake):
    avery, blake = avery_and_blake
    [visit] = avery.appointments.all()
    assert Email.objects.filter(
        to="desk@test-clinic.example", about=f"appointment:{visit.pk}"
    ).exists()
    patient_data.erase(patient=avery, by=UserFactory())
    assert list(WaitlistEntry.objects.values_list("email", flat=True)) == ["BLAKE@EXAMPLE.COM"]
    assert list(PatientSignInLink.objects.values_list("patient", flat=True)) == [blake.pk]
    assert drafts_typed_by() == ["Blake Ito"]
    assert not Email.objects.filter(recipient_key=recipient_key("avery@example.com")).exists()
    assert not Email.objects.filter(about=f"appointment:{visit.pk}").exists()
    assert Email.objects.filter(recipient_key=recipient_key("blake@example.com")).exists()


def test_the_patients_file_includes_their_waitlist_entries(avery_and_blake):
    avery, _ = avery_and_blake
    data = patient_data.export(avery, visits=avery.appointments.all(), reader=UserFactory())
    [entry] = data["waitlist"]
    assert entry["email"] == "AVERY@EXAMPLE.COM"
    assert entry["service"] == "Deep tissue massage"
    assert datetime.date.fromisoformat(entry["first_day"])
