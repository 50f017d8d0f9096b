"""How long visits and waitlist entries are kept, and anonymising a visit: the rules behind the
register of personal data's visits, patient records and waitlist (booking/personal_data.py)."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q

from booking import waitlist
from booking.models import (
    Appointment,
    AppointmentEvent,
    Patient,
    PatientNote,
    TreatmentNote,
    TreatmentNoteAddendum,
    TreatmentNoteRead,
    WaitlistEntry,
)

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
        orphans = remove_records_left_empty(patient_ids)
    return len(ids), len(orphans)


def remove_records_left_empty(patient_ids):
    """Delete those of these patient records that have no visit and no treatment note left (a
    record holding notes stays while they are kept: it names their patient), with their change
    history and admin log entries. Returns the ids deleted."""
    orphans = list(
        Patient.objects.filter(
            pk__in=patient_ids, appointments=None, treatment_notes=None
        ).values_list("pk", flat=True)
    )
    Patient.objects.filter(pk__in=orphans).delete()
    # After the delete: simple-history records the deletion itself, with the name.
    Patient.history.filter(id__in=orphans).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient),
        object_id__in=[str(pk) for pk in orphans],
    ).delete()
    keep_only_what_names_notes(
        Patient.objects.filter(pk__in=patient_ids, appointments=None).values_list("pk", flat=True)
    )
    return orphans


def keep_only_what_names_notes(patient_ids):
    """Records kept only for their treatment notes: the name and date of birth stay, which name
    the notes' patient; contact details, staff notes, change history and log entries go."""
    patient_ids = [str(pk) for pk in patient_ids]
    PatientNote.objects.filter(patient_id__in=patient_ids).delete()
    Patient.objects.filter(pk__in=patient_ids).update(email="", phone="")
    Patient.history.filter(id__in=patient_ids).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id__in=patient_ids
    ).delete()


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29th into a year without one
        return day.replace(year=day.year + years, day=28)


def treatment_notes_kept_until(patient, *, last_visit, years):
    """The day a patient's treatment notes may go: `years` after their last visit, or, for a
    patient under 18 at that visit, `years` after their 18th birthday (the Ontario standard)."""
    start = last_visit
    if patient.date_of_birth is not None:
        start = max(start, _years_after(patient.date_of_birth, 18))
    return _years_after(start, years)


def treatment_notes_due_for_purge(*, clinic, now):
    """Patient records whose treatment notes have been kept long enough, none under a legal
    hold. A patient's last visit is the latest that ended of their visits and noted visits (a
    visit's own link to the record goes when its details are purged, its note's does not)."""
    today = now.date()
    due = []
    noted = (
        Patient.objects.filter(legal_hold=False, treatment_notes__isnull=False)
        .distinct()
        .annotate(
            last_noted=Max("treatment_notes__appointment__end"),
            last_booked=Max(
                "appointments__end",
                filter=Q(appointments__end__lt=now) & ~Q(appointments__status__in=NEVER_HAPPENED),
            ),
        )
    )
    for patient in noted:
        last_visit = max(filter(None, [patient.last_noted, patient.last_booked]))
        kept_until = treatment_notes_kept_until(
            patient, last_visit=last_visit.date(), years=clinic.treatment_notes_kept_years
        )
        if kept_until <= today:
            due.append(patient.pk)
    return due


def purge_treatment_notes(patient_ids):
    """Delete these patients' treatment notes (addenda and read log with them), and the records
    left with nothing. Returns (notes, records) removed."""
    with transaction.atomic():
        notes = TreatmentNote.objects.filter(patient_id__in=patient_ids)
        count = notes.count()
        TreatmentNoteAddendum.objects.filter(note__in=notes).delete()
        TreatmentNoteRead.objects.filter(note__in=notes).delete()
        notes.delete()
        records = remove_records_left_empty(patient_ids)
    return count, len(records)


def waitlist_due_for_removal(*, clinic, now):
    """Waitlist entries over (their last day passed, or closed) for longer than requests that
    never happened are kept: they hold an email address and nothing else worth keeping. An
    address nobody confirmed goes sooner, as its confirmation email promises."""
    cutoff = now - datetime.timedelta(days=clinic.keep_unbooked_days)
    unconfirmed = Q(confirmed_at=None, created_at__lt=now - waitlist.UNCONFIRMED_KEPT)
    return WaitlistEntry.objects.filter(
        Q(last_day__lt=cutoff.date()) | Q(closed_at__lt=cutoff) | unconfirmed
    )
