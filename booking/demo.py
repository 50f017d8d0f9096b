"""Demo appointments, so the front desk has requests to answer on the first `make run`."""

import datetime

from django.utils import timezone

from booking import availability
from booking.models import Appointment, AppointmentEvent
from clinic.models import Clinic, Service, Therapist

PATIENTS = [
    ("Avery Chen", "avery.chen@example.com", "+14165550101", {}, Appointment.Status.REQUESTED),
    ("Jordan Ellis", "jordan.ellis@example.com", "+14165550102", {"pregnancy": True}, Appointment.Status.REQUESTED),
    ("Sam Patel", "sam.patel@example.com", "+14165550103", {}, Appointment.Status.CONFIRMED),
    ("Riley Moreau", "riley.moreau@example.com", "+14165550104", {"blood_thinners": True}, Appointment.Status.CONFIRMED),
]  # fmt: skip


def load_appointments(today):
    """A few requests and confirmed visits in the coming days, at times that are really free."""
    if Appointment.objects.exists():
        return
    clinic = Clinic.objects.current()
    service = Service.objects.get(slug="initial-assessment-and-treatment")
    therapists = list(service.therapists.active())
    slots = availability.free_slots(
        clinic=clinic,
        service=service,
        therapists=therapists,
        start_date=today + datetime.timedelta(days=2),
        end_date=today + datetime.timedelta(days=9),
    )
    taken = []
    for (name, email, phone, screening, status), slot in zip(PATIENTS, slots[::7], strict=False):
        therapist = Therapist.objects.get(pk=slot.therapist_id)
        end = slot.start + datetime.timedelta(minutes=service.duration_minutes)
        appointment = Appointment.objects.create(
            service=service,
            therapist=therapist,
            start=slot.start,
            end=end,
            hold_until=end + datetime.timedelta(minutes=service.buffer_minutes),
            status=status,
            patient_name=name,
            patient_email=email,
            patient_phone=phone,
            screening=screening,
            needs_review=bool(screening),
            consent_at=timezone.now(),
        )
        AppointmentEvent.objects.create(
            appointment=appointment, action=AppointmentEvent.Action.REQUESTED, by_patient=True
        )
        if status == Appointment.Status.CONFIRMED:
            AppointmentEvent.objects.create(
                appointment=appointment, action=AppointmentEvent.Action.CONFIRMED
            )
        taken.append(appointment)
    return taken


def load(*, today):
    load_appointments(today)
