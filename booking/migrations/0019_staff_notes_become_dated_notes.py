"""A patient record's one free-text staff notes field becomes its dated notes (PatientNote):
existing text is kept as a first note, dated when the record was last changed, by nobody
known; a note cannot be told from the text when it was written."""

from django.db import migrations


def notes_from_staff_notes(apps, schema_editor):
    Patient = apps.get_model("booking", "Patient")
    PatientNote = apps.get_model("booking", "PatientNote")
    PatientNote.objects.bulk_create(
        PatientNote(patient_id=pk, text=text.strip(), created_at=changed)
        for pk, text, changed in Patient.objects.exclude(staff_notes="")
        .values_list("pk", "staff_notes", "updated_at")
        .iterator()
        if text.strip()
    )


def staff_notes_from_notes(apps, schema_editor):
    Patient = apps.get_model("booking", "Patient")
    PatientNote = apps.get_model("booking", "PatientNote")
    joined = {}
    for note in PatientNote.objects.order_by("created_at", "pk"):
        joined.setdefault(note.patient_id, []).append(note.text)
    for pk, texts in joined.items():
        Patient.objects.filter(pk=pk).update(staff_notes="\n\n".join(texts))


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0018_front_desk_day_sheet"),
    ]

    operations = [
        migrations.RunPython(notes_from_staff_notes, staff_notes_from_notes),
        migrations.RemoveField(
            model_name="historicalpatient",
            name="staff_notes",
        ),
        migrations.RemoveField(
            model_name="patient",
            name="staff_notes",
        ),
    ]
