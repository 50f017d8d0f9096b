"""What booking declares in the register of personal data (booking/personal_data.py): sessions
that carry what a patient typed, sign-in links and the waitlist, purged on time."""

import datetime
import io

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import RequestFactory

from booking import returning
from booking.models import Patient, PatientSignInLink
from booking.request import drafts

pytestmark = pytest.mark.django_db

TYPED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DRAFT_KEPT = datetime.timedelta(seconds=drafts.KEPT_FOR_SECONDS)
SECOND = datetime.timedelta(seconds=1)


def session_with_draft(email="avery@example.com", **other):
    """A browser's session after the details step, as the booking pages keep it."""
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.session.update(other)
    drafts.keep(request, {"name": "Avery Chen", "email": email, "reason": "Sore lower back"})
    request.session.save()
    return request.session.session_key


def session_data(key):
    return Session.objects.get(pk=key).get_decoded()


def purge():
    call_command("purge_personal_data", stdout=io.StringIO())


def test_a_booking_draft_alone_in_its_session_goes_with_the_session_after_its_time(clinic):
    with time_machine.travel(TYPED, tick=False):
        key = session_with_draft()
    with time_machine.travel(TYPED + DRAFT_KEPT + SECOND, tick=False):
        purge()
    assert not Session.objects.filter(pk=key).exists()


def test_a_booking_draft_leaves_a_session_that_holds_more_and_the_rest_stays(clinic):
    with time_machine.travel(TYPED, tick=False):
        key = session_with_draft(chosen_service="deep-tissue")
    with time_machine.travel(TYPED + DRAFT_KEPT + SECOND, tick=False):
        purge()
    assert session_data(key) == {"chosen_service": "deep-tissue"}


def test_a_booking_draft_within_its_time_stays_for_the_patient(clinic):
    with time_machine.travel(TYPED, tick=False):
        key = session_with_draft()
    with time_machine.travel(TYPED + DRAFT_KEPT - SECOND, tick=False):
        purge()
    assert session_data(key)[drafts.SESSION_KEY]["fields"]["reason"] == "Sore lower back"


def test_a_returning_patients_sign_in_leaves_the_session_after_its_time(clinic):
    patient = Patient.objects.create(name="Avery Chen", email="avery@example.com")
    with time_machine.travel(TYPED, tick=False):
        until = (TYPED + returning.SIGNED_IN_FOR).timestamp()
        session = SessionStore()
        session["staff_note"] = "kept"
        session[returning.SESSION_KEY] = {"patient": patient.pk, "until": until}
        session.save()
    with time_machine.travel(TYPED + returning.SIGNED_IN_FOR + SECOND, tick=False):
        purge()
    assert session_data(session.session_key) == {"staff_note": "kept"}


def test_expired_sessions_are_deleted(clinic, settings):
    with time_machine.travel(TYPED, tick=False):
        session = SessionStore()
        session["staff_note"] = "kept"
        session.save()
    with time_machine.travel(
        TYPED + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1), tick=False
    ):
        purge()
    assert not Session.objects.filter(pk=session.session_key).exists()


def test_sign_in_links_are_deleted_a_day_after_they_were_sent(clinic):
    patient = Patient.objects.create(name="Avery Chen", email="avery@example.com")
    with time_machine.travel(TYPED, tick=False):
        PatientSignInLink.objects.create(patient=patient, token_hash="old")
    with time_machine.travel(TYPED + datetime.timedelta(hours=23), tick=False):
        PatientSignInLink.objects.create(patient=patient, token_hash="recent")
    with time_machine.travel(TYPED + datetime.timedelta(days=1, seconds=1), tick=False):
        purge()
    assert list(PatientSignInLink.objects.values_list("token_hash", flat=True)) == ["recent"]
