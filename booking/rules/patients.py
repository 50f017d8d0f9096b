"""Patient records: finding the one a request belongs to, and merging duplicates."""

from django.db import transaction
from django.db.models import Q

from booking.models import Appointment, Patient


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


def merge(*, keep: Patient, others) -> Patient:
    """Move every appointment of `others` to `keep`, join their notes, and delete them."""
    others = [other for other in others if other.pk != keep.pk]
    with transaction.atomic():
        # One save each (not a bulk update), so every visit's history records the move.
        for appointment in Appointment.objects.filter(patient__in=others):
            appointment.patient = keep
            appointment.save(update_fields=["patient", "updated_at"])
        notes = [keep.staff_notes, *(other.staff_notes for other in others)]
        keep.staff_notes = "\n\n".join(note for note in notes if note)
        keep.email = keep.email or next((o.email for o in others if o.email), "")
        keep.phone = keep.phone or next((o.phone for o in others if o.phone), "")
        keep.date_of_birth = keep.date_of_birth or next(
            (o.date_of_birth for o in others if o.date_of_birth), None
        )
        keep.save()
        Patient.objects.filter(pk__in=[other.pk for other in others]).delete()
    return keep
