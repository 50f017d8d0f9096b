"""How many coming visits one person may hold online: the booking rule the one limiter
(clinic/limiter.py, which counts posts per address and per contact) cannot know. Staff bookings
are not limited."""

from django.db.models import Q

from booking.models import Appointment
from clinic.limiter import LimitReached


def check_holds(*, clinic, email, phone, now):
    """Raise LimitReached when this person already holds the clinic's most coming visits."""
    holds = (
        Appointment.objects.active()
        .filter(end__gt=now)
        .filter(Q(patient_email__iexact=email) | Q(patient_phone=phone))
        .count()
    )
    if holds >= clinic.max_holds_per_contact:
        raise LimitReached(
            f"You already have {holds} coming visit{'s' if holds != 1 else ''} requested or "
            "booked with us, the most we can hold online for one person. Please call us to "
            "book another, or cancel one first from the link in its email."
        )
