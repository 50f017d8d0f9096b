"""Existing appointments join patient records: one per email address, or per phone number for
those booked without one (the same rule new requests follow, in booking/rules/patients.py)."""

from django.db import migrations


def link(apps, schema_editor):
    Appointment = apps.get_model("booking", "Appointment")
    Patient = apps.get_model("booking", "Patient")
    records = {}
    for appointment in Appointment.objects.filter(patient=None).order_by("created_at", "pk"):
        email = appointment.patient_email.strip().lower()
        key = ("email", email) if email else ("phone", appointment.patient_phone)
        if key not in records:
            records[key] = Patient.objects.create(
                name=appointment.patient_name,
                email=email,
                phone=appointment.patient_phone,
                created_at=appointment.created_at,
            )
        appointment.patient = records[key]
        appointment.save(update_fields=["patient"])


class Migration(migrations.Migration):
    dependencies = [("booking", "0007_patients")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop, elidable=False)]
