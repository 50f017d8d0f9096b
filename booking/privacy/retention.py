"""How long visits and waitlist entries are kept, and anonymising a visit: the rules behind the
register of personal data's visits, patient records and waitlist (booking/personal_data.py)."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from booking import waitlist
from booking.models import Appointment, AppointmentEvent, Patient, WaitlistEntry

REMOVED = "(removed)"
NEVER_HAPPENED = [
    Appointment.Status.CANCELLED,
    Appointment.Status.DECLINED,
    Appointment.Status.EXPIRED,
]


def due_for_purge(*, clinic, now):
    """Appointments whose details have been kept long enough, not yet anonymised."""
    visits_before = now - datetime.timedelta(days=30 * clinic.keep_visits_months)
    unbooked_before = now - datetime.timedelta(days=clinic.keep_unbooked_days)
    return (
        Appointment.objects.exclude(patient_name=REMOVED)
        .filter(
            Q(end__lt=visits_before) | Q(status__in=NEVER_HAPPENED, updated_at__lt=unbooked_before)
        )
        .exclude(status__in=Appointment.ACTIVE_STATUSES)
    )


def purge(appointments):
    """Anonymise these appointments: contact details, reason, screening, notes, their admin
    log entries and change history; delete patient records left with no visit."""
    ids = list(appointments.values_list("pk", flat=True))
    patient_ids = set(appointments.exclude(patient=None).values_list("patient_id", flat=True))
    with transaction.atomic():
        Appointment.objects.filter(pk__in=ids).update(
            patient=None, patient_name=REMOVED, patient_email="", patient_phone="", reason="",
            screening={}, message_to_patient="", screening_review_note="", client_key="",
        )  # fmt: skip
        AppointmentEvent.objects.filter(appointment_id__in=ids).update(note="")
        Appointment.history.filter(id__in=ids).delete()
        appointment_type = ContentType.objects.get_for_model(Appointment)
        LogEntry.objects.filter(
            content_type=appointment_type, object_id__in=[str(pk) for pk in ids]
        ).delete()
        orphans = list(
            Patient.objects.filter(pk__in=patient_ids, appointments=None).values_list(
                "pk", flat=True
            )
        )
        Patient.objects.filter(pk__in=orphans).delete()
        # After the delete: simple-history records the deletion itself, with the name.
        Patient.history.filter(id__in=orphans).delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Patient),
            object_id__in=[str(pk) for pk in orphans],
        ).delete()
    return len(ids), len(orphans)


def waitlist_due_for_removal(*, clinic, now):
    """Waitlist entries over (their last day passed, or closed) for longer than requests that
    never happened are kept: they hold an email address and nothing else worth keeping. An
    address nobody confirmed goes sooner, as its confirmation email promises."""
    cutoff = now - datetime.timedelta(days=clinic.keep_unbooked_days)
    unconfirmed = Q(confirmed_at=None, created_at__lt=now - waitlist.UNCONFIRMED_KEPT)
    return WaitlistEntry.objects.filter(
        Q(last_day__lt=cutoff.date()) | Q(closed_at__lt=cutoff) | unconfirmed
    )
