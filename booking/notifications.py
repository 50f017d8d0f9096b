"""Telling people: emails about an appointment to the patient and the clinic's inbox, through
the outbox (emails/outbox.py), stored with the change and sent once it commits.

Subjects and bodies carry no health details: no reason for the visit, no screening answers and
no service name (a service such as prenatal massage says too much). The patient's link shows
the rest behind an unguessable token.
"""

from django.conf import settings
from django.urls import reverse

from booking import receipt_pdf
from booking.ics import appointment_ics, visits_ics
from booking.models import AppointmentEvent
from clinic.models import Clinic
from emails import outbox
from emails.outbox import absolute  # the one helper; booking's modules import it from here

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

# About several visits of one course at once: one email listing every date, one calendar file.
COURSE_EMAILS = ("course_booked", "course_moved", "course_cancelled")


NEW_PATIENT_EARLY = 15
RETURNING_EARLY = 5


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
    message = outbox.compose(kind, context, to=recipient, clinic=clinic)
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


def notify(appointment, *kinds, not_before=None):
    """Put these emails about the appointment in the outbox, within the caller's transaction:
    they leave once the change commits (and not before `not_before`, for a change that may
    still be undone), and not at all if it rolls back."""
    for kind in kinds:
        outbox.send(
            build_email(appointment, kind),
            kind=kind,
            about=f"appointment:{appointment.pk}",
            not_before=not_before,
        )


def notify_course(visits, kind):
    """One email to the patient listing `visits` (a course's, in time order) with one calendar
    file holding them all, in the outbox within the caller's transaction like `notify`. Named
    after the first visit, so the register finds it with the patient's visits."""
    first = visits[0]
    if not first.patient_email:
        return
    clinic = Clinic.objects.current()
    linked = [(visit, absolute(visit.patient_url())) for visit in visits]
    context = {
        "clinic": clinic,
        "visits": linked,
        "first": first,
    }
    message = outbox.compose(kind, context, to=first.patient_email, clinic=clinic)
    message.attach(
        "appointments.ics",
        visits_ics(linked, clinic=clinic),
        f"text/calendar; method={'CANCEL' if kind == 'course_cancelled' else 'PUBLISH'}",
    )
    outbox.send(message, kind=kind, about=f"appointment:{first.pk}")


def receipt_email(receipt):
    """The patient's receipt, the PDF attached. Like every email here it names no service: the
    receipt itself, which the patient asked for, does."""
    clinic = Clinic.objects.current()
    appointment = receipt.appointment
    context = {"clinic": clinic, "appointment": appointment, "receipt": receipt}
    message = outbox.compose("receipt", context, to=appointment.patient_email, clinic=clinic)
    message.attach(receipt_pdf.file_name(receipt.number), bytes(receipt.pdf), "application/pdf")
    return message
