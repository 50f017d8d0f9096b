"""Returning patients: a one-time sign-in link by email, no password.

The link fills in the next request's details from the patient's record and their last answers
to the health questions, which they confirm are still true or change. It is sent only to an
address the clinic already has for a patient who has had a visit; the page says the same thing
whether or not the address is known, so nobody can learn who is a patient here.
"""

import datetime
import hashlib
import logging
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from booking import tasks
from booking.models import Patient, PatientSignInLink, SignInRequest
from booking.notifications import absolute
from booking.rules import visits
from booking.rules.screening import QUESTIONS
from clinic import limiter
from clinic.models import Clinic
from emails import outbox

logger = logging.getLogger(__name__)

VALID_FOR = datetime.timedelta(minutes=30)
SESSION_KEY = "returning_patient"
# A sign-in lasts for one request: long enough to choose a time and fill in the form.
SIGNED_IN_FOR = datetime.timedelta(hours=2)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def ask_for_link(email, *, client_key="", now=None):
    """A visitor asks for a sign-in link. Counted by the limiter and stored for the worker, the
    same for every address, known or not; the worker looks the address up (send_link)."""
    now = now or timezone.now()
    with transaction.atomic():
        limiter.spend("sign_in", address=client_key, contact=email, now=now)
        asked = SignInRequest.objects.create(email=email.strip().lower(), created_at=now)
        transaction.on_commit(lambda: tasks.answer_sign_in_request.enqueue(request_id=asked.pk))


def send_link(email, *, now=None):
    """Queue a sign-in link in the outbox if the address belongs to a patient who has been
    booked here; quietly nothing otherwise. Returns whether one was queued (the outbox caps
    the links one address gets in a day)."""
    now = now or timezone.now()
    email = email.strip().lower()
    patient = (
        visits.ever_seen(Patient.objects.filter(email=email)).order_by("created_at", "pk").first()
    )
    if patient is None:
        return False
    token = secrets.token_urlsafe(32)
    PatientSignInLink.objects.create(patient=patient, token_hash=_hash(token), created_at=now)
    clinic = Clinic.objects.current()
    context = {
        "clinic": clinic,
        "link": absolute(reverse("booking:welcome_back", args=[token])),
        "minutes": int(VALID_FOR.total_seconds() // 60),
    }
    message = outbox.compose("sign_in", context, to=patient.email, clinic=clinic)
    return outbox.send(message, kind="sign_in", about=f"patient:{patient.pk}", now=now) is not None


def _usable(token, now):
    return PatientSignInLink.objects.filter(
        token_hash=_hash(token), used_at=None, created_at__gt=now - VALID_FOR
    )


def link_is_usable(token, *, now=None):
    """Whether the link would still sign in (a GET asks this; only the POST uses it)."""
    return _usable(token, now or timezone.now()).exists()


def use_link(request, token, *, now=None):
    """Sign the browser in for one request, once per link. Returns the patient or None."""
    now = now or timezone.now()
    link = _usable(token, now).select_related("patient").first()
    if link is None:
        return None
    # Used once: a forwarded email or a browser history cannot sign anyone in again.
    if not PatientSignInLink.objects.filter(pk=link.pk, used_at=None).update(used_at=now):
        return None
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "patient": link.patient.pk,
        "until": (now + SIGNED_IN_FOR).timestamp(),
    }
    return link.patient


def is_current(signed_in, timestamp):
    """Whether a sign-in kept in a session still holds at `timestamp` (the page and the purge
    both ask here)."""
    return timestamp <= signed_in["until"]


def signed_in_patient(request):
    data = request.session.get(SESSION_KEY)
    if not data or not is_current(data, timezone.now().timestamp()):
        return None
    return Patient.objects.filter(pk=data["patient"]).first()


def sign_out(request):
    request.session.pop(SESSION_KEY, None)


def known_details(patient):
    """What the details step fills in: contact details, and the last health answers given."""
    last = patient.appointments.order_by("-created_at").first()
    answers = last.screening if last else {}
    initial = {"name": patient.name, "email": patient.email, "phone": patient.phone}
    initial.update({f"screen_{q.key}": bool(answers.get(q.key)) for q in QUESTIONS})
    return initial
