"""Everything the clinic holds about one patient: a file they can read, and erasure. Both walk
the register of personal data (clinic/personal_data.py), so whatever is declared there is in
the file and goes with the erasure."""

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from booking.models import Patient, TreatmentNote
from booking.personal_data import person
from booking.rules import treatment_notes
from booking.rules.screening import QUESTIONS_BY_KEY
from booking.rules.selectors import treatment_notes_visible_to
from clinic import personal_data


def export(patient, *, visits, reader):
    """A plain structure (for JSON) of the record and the given visits (those the staff member
    asking may see: selectors.appointments_visible_to), in words a patient reads; of the
    treatment notes, those `reader` may read, each read recorded."""
    visits = visits.select_related("therapist", "service").prefetch_related("events")
    # Found by the record and the addresses on these visits only, so the access rule holds.
    held_elsewhere = personal_data.export(person(patient, visits=visits))
    readable = {
        note.pk: note
        for note in treatment_notes_visible_to(
            reader, TreatmentNote.objects.filter(patient=patient)
        )
    }
    held_elsewhere["treatment_notes"] = [
        exported for exported in held_elsewhere["treatment_notes"] if exported["id"] in readable
    ]
    for exported in held_elsewhere["treatment_notes"]:
        treatment_notes.read_note(note=readable[exported["id"]], reader=reader)
    return {
        "exported_at": timezone.now().isoformat(),
        "record": {
            "name": patient.name,
            "email": patient.email,
            "phone": patient.phone,
            "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
            "staff_notes": [
                {"written_at": note.created_at.isoformat(), "text": note.text}
                for note in patient.notes.order_by("created_at", "pk")
            ],
        },
        "visits": [
            {
                "reference": visit.reference,
                "start": timezone.localtime(visit.start).isoformat(),
                "therapist": visit.therapist.name,
                "service": visit.service.name,
                "status": visit.get_status_display(),
                "name_given": visit.patient_name,
                "email_given": visit.patient_email,
                "phone_given": visit.patient_phone,
                "reason": visit.reason,
                "screening": [QUESTIONS_BY_KEY[key].text for key in visit.screening],
                "screening_review": visit.get_screening_review_display(),
                "message_from_the_clinic": visit.message_to_patient,
                "consent_given_at": visit.consent_at.isoformat() if visit.consent_at else None,
                "history": [
                    {"at": event.at.isoformat(), "what": event.get_action_display()}
                    for event in visit.events.all()
                ],
            }
            for visit in visits
        ],
        **held_elsewhere,
    }


def erase(*, patient: Patient, by):
    """Remove everything every holding of the register keeps about the patient (found by their
    record, addresses and phones) and record that it was done, by whom, without any of what was
    removed."""
    with transaction.atomic():
        record_id = patient.pk
        personal_data.erase(person(patient))
        LogEntry.objects.create(
            user=by,
            content_type=ContentType.objects.get_for_model(Patient),
            object_id=str(record_id),
            object_repr=f"Patient record #{record_id} (erased on request)",
            action_flag=DELETION,
            change_message=(
                "Erased on the patient's request: everything the register of personal data lists."
            ),
        )
