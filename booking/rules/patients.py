"""Patient records: finding the one a request belongs to, finding one as the desk types it,
what a record's visits add up to, dated notes, and merging duplicates."""

import datetime
import re

from django.db import transaction
from django.db.models import Q

from booking.models import Appointment, AppointmentEvent, Patient, PatientNote, TreatmentNote

# What people type for a phone number: digits and the punctuation around them.
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]+$")
# Fewer digits than this is more likely part of a reference or a street number.
_FEWEST_PHONE_DIGITS = 4


def find_or_create(*, name, email, phone) -> Patient:
    """The record with this email, or (for a caller without one) this phone; else a new one.

    The record keeps its name and details: a request only adds what the record lacks.
    """
    email = email.strip().lower()
    match = Q(email=email) if email else Q(email="", phone=phone)
    patient = Patient.objects.filter(match).order_by("created_at", "pk").first()
    if patient is None:
        return Patient.objects.create(name=name, email=email, phone=phone)
    if not patient.phone and phone:
        patient.phone = phone
        patient.save(update_fields=["phone", "updated_at"])
    return patient


def phone_digits(term):
    """The digits of `term` when it reads as (part of) a phone number, as people type one:
    "(416) 555-0103", "416-555-0103", "555-0103", "+1 416 555 0103"; else None."""
    term = term.strip()
    if not _PHONE_LIKE.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    return digits if len(digits) >= _FEWEST_PHONE_DIGITS else None


def by_phone(field, term):
    """A filter finding `term` typed as a phone number in `field`, or None when it is not one.

    Phones are stored in international form (+14165550103, booking/request/forms.py), which
    holds every local way of writing the number as a run of its digits.
    """
    digits = phone_digits(term)
    return None if digits is None else Q(**{f"{field}__contains": digits})


def late_cancellations(visits, *, notice_hours) -> set:
    """The ids of `visits` the patient cancelled late: within the clinic's cancellation notice
    before the start (or after it), online or by asking the desk (which says who asked). A
    cancellation the clinic made (a therapist away) is never the patient's. One query."""
    cancellations = AppointmentEvent.objects.filter(
        appointment__in=visits.filter(status=Appointment.Status.CANCELLED),
        action=AppointmentEvent.Action.CANCELLED,
        by_patient=True,
    ).values_list("appointment_id", "appointment__start", "at")
    notice = datetime.timedelta(hours=notice_hours)
    return {pk for pk, start, at in cancellations if at > start - notice}


def late_cancellation_count(visits, *, notice_hours) -> int:
    return len(late_cancellations(visits, notice_hours=notice_hours))


def add_note(*, patient: Patient, text: str, author) -> PatientNote:
    """A dated note by a member of staff, added to the record's notes (never replacing one)."""
    return PatientNote.objects.create(patient=patient, text=text.strip(), author=author)


def merge(*, keep: Patient, others) -> Patient:
    """Move every appointment and note of `others` to `keep`, and delete them."""
    others = [other for other in others if other.pk != keep.pk]
    with transaction.atomic():
        # One save each (not a bulk update), so every visit's history records the move.
        for appointment in Appointment.objects.filter(patient__in=others):
            appointment.patient = keep
            appointment.save(update_fields=["patient", "updated_at"])
        # Each note keeps its author and date: the record reads as they were written.
        PatientNote.objects.filter(patient__in=others).update(patient=keep)
        # Treatment notes too; the sharing and a legal hold of either record carry over.
        TreatmentNote.objects.filter(patient__in=others).update(patient=keep)
        for other in others:
            keep.notes_shared_with.add(*other.notes_shared_with.all())
        keep.legal_hold = keep.legal_hold or any(other.legal_hold for other in others)
        keep.email = keep.email or next((o.email for o in others if o.email), "")
        keep.phone = keep.phone or next((o.phone for o in others if o.phone), "")
        keep.date_of_birth = keep.date_of_birth or next(
            (o.date_of_birth for o in others if o.date_of_birth), None
        )
        keep.save()
        Patient.objects.filter(pk__in=[other.pk for other in others]).delete()
    return keep
