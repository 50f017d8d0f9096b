"""Telling people: emails to the patient and the clinic's inbox, sent by a background task.

Subjects and bodies carry no health details: no reason for the visit, no screening answers and
no service name (a service such as prenatal massage says too much). The patient's link shows
the rest behind an unguessable token.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from booking.ics import appointment_ics
from booking.models import AppointmentEvent
from clinic.models import Clinic

logger = logging.getLogger(__name__)

# kind: who receives it, and whether a calendar file goes with it.
EMAILS = {
    "request_received": {"to": "patient", "ics": False},
    "new_request": {"to": "clinic", "ics": False},
    "confirmed": {"to": "patient", "ics": True},
    "moved": {"to": "patient", "ics": True},
    "reminder": {"to": "patient", "ics": True},
    # A cancellation file, in case the patient saved the earlier one.
    "declined": {"to": "patient", "ics": True},
    "cancelled": {"to": "patient", "ics": True},
    "expired": {"to": "patient", "ics": True},
    # The front desk learns of a patient's cancellation without watching the admin.
    "patient_cancelled": {"to": "clinic", "ics": False},
    "patient_moved": {"to": "clinic", "ics": False},
}


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


NEW_PATIENT_EARLY = 15
RETURNING_EARLY = 5


def compose(kind, context, *, to, clinic):
    """One email from emails/<kind>_subject.txt, <kind>.txt and <kind>.html, times in clinic
    time; plain text through the "text" engine (no HTML escaping), replies to the clinic.
    Every email the site sends is made here: appointment emails, waitlist, sign-in links."""
    with timezone.override(clinic.zone):
        subject = render_to_string(f"emails/{kind}_subject.txt", context, using="text")
        text = render_to_string(f"emails/{kind}.txt", context, using="text")
        html = render_to_string(f"emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[clinic.email] if clinic.email else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def build_email(appointment, kind):
    clinic = Clinic.objects.current()
    spec = EMAILS[kind]
    manage_url = absolute(appointment.patient_url())
    context = {
        "clinic": clinic,
        "appointment": appointment,
        "manage_url": manage_url,
        "admin_url": absolute(reverse("admin:booking_appointment_change", args=[appointment.pk])),
        "moved_from": _moved_from(appointment) if kind in ("moved", "patient_moved") else None,
        # First visits start with a short intake, so new patients come a little earlier.
        "arrive_early": NEW_PATIENT_EARLY if appointment.is_new_patient else RETURNING_EARLY,
    }
    context["allow_minutes"] = appointment.service.duration_minutes + context["arrive_early"]
    recipient = appointment.patient_email if spec["to"] == "patient" else clinic_inbox(clinic)
    message = compose(kind, context, to=recipient, clinic=clinic)
    if spec["ics"]:
        message.attach(
            "appointment.ics",
            appointment_ics(appointment, clinic=clinic, manage_url=manage_url),
            f"text/calendar; method={'PUBLISH' if appointment.is_active else 'CANCEL'}",
        )
    return message


def _moved_from(appointment):
    """The time the visit had before its latest move."""
    return (
        appointment.events.filter(action=AppointmentEvent.Action.RESCHEDULED)
        .order_by("-at", "-pk")
        .values_list("previous_start", flat=True)
        .first()
    )


def clinic_inbox(clinic):
    return settings.CLINIC_INBOX_EMAIL or clinic.email or settings.DEFAULT_FROM_EMAIL


def send(appointment, kind):
    message = build_email(appointment, kind)
    if not all(message.to):
        # A caller booked by phone without an email address: the front desk tells them.
        logger.info("Email %s for appointment %s not sent: no address.", kind, appointment.pk)
        return
    message.send()
