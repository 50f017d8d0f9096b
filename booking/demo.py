"""Demo appointments, so the front desk has requests to answer on the first `make run`."""

import datetime

from booking.models import Appointment
from booking.rules import availability, selectors, services
from booking.rules.services import PatientDetails
from clinic.models import Clinic, Service

PATIENTS = [
    ("Avery Chen", "avery.chen@example.com", "+14165550101", {}, Appointment.Status.REQUESTED),
    ("Jordan Ellis", "jordan.ellis@example.com", "+14165550102", {"pregnancy": True}, Appointment.Status.REQUESTED),
    ("Sam Patel", "sam.patel@example.com", "+14165550103", {}, Appointment.Status.CONFIRMED),
    ("Riley Moreau", "riley.moreau@example.com", "+14165550104", {"blood_thinners": True}, Appointment.Status.CONFIRMED),
]  # fmt: skip


def load_appointments(today):
    """A few requests and confirmed visits in the coming days, booked through the services, as
    patients and staff would book them, so they obey every rule the site does."""
    if Appointment.objects.exists():
        return []
    clinic = Clinic.objects.current()
    service = Service.objects.get(slug="initial-assessment-and-treatment")
    therapists = list(selectors.therapists_for(service, is_new_patient=True))
    by_id = {therapist.pk: therapist for therapist in therapists}
    # Spread over the days: every seventh free time, skipping any a previous one now holds.
    offered = iter(
        availability.free_slots(
            clinic=clinic,
            service=service,
            therapists=therapists,
            start_date=today + datetime.timedelta(days=2),
            end_date=today + datetime.timedelta(days=9),
        )[::7]
    )
    booked = []
    for name, email, phone, screening, status in PATIENTS:
        patient = PatientDetails(
            name=name, email=email, phone=phone, is_new_patient=True, screening=screening,
            consented=True,
        )  # fmt: skip
        appointment = _first_free(offered, service, by_id, patient)
        if appointment is None:
            break
        if status == Appointment.Status.CONFIRMED:
            services.confirm_appointment(appointment=appointment, by=None)
        booked.append(appointment)
    return booked


def _first_free(offered, service, therapists, patient):
    for slot in offered:
        try:
            return services.request_appointment(
                service=service, therapist=therapists[slot.therapist_id], start=slot.start,
                patient=patient,
            )  # fmt: skip
        except services.SlotUnavailable:
            continue
    return None


def load(*, today):
    load_appointments(today)
