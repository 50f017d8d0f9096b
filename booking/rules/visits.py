"""Who counts as a returning patient: the one rule the booking form, the appointment list and
the returning patient's sign-in link all read.

A patient is returning at a moment once a visit of theirs that the clinic stood by (confirmed,
arrived or completed) starts before it. A confirmed visit counts although nobody has marked it
arrived yet: the desk that forgets to press "Arrived" must not make someone new again, and a
visit booked after a confirmed one is that person's second. Cancelled, declined, expired and
missed visits never count.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from booking.models import Appointment

SEEN = [Appointment.Status.CONFIRMED, Appointment.Status.ARRIVED, Appointment.Status.COMPLETED]
# A visit that took place: the patient came (a treatment note records it, instant booking trusts it).
TOOK_PLACE = (Appointment.Status.ARRIVED, Appointment.Status.COMPLETED)


def has_visited(patient, *, before=None) -> bool:
    """Whether `patient` (a record or its id) is returning at `before` (default: now)."""
    return Appointment.objects.filter(
        patient=patient, status__in=SEEN, start__lt=before or timezone.now()
    ).exists()


def seen_before():
    """For a queryset of appointments: whether its patient was returning at its start."""
    return Exists(
        Appointment.objects.filter(
            patient=OuterRef("patient"), status__in=SEEN, start__lt=OuterRef("start")
        )
    )


def ever_seen(patients):
    """The records among `patients` the clinic has seen or confirmed at any time: the only
    ones a returning patient's sign-in link is sent to."""
    return patients.filter(appointments__status__in=SEEN)
