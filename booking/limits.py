"""Limits on online requests, so that nobody can hold the clinic's calendar or make it send a
flood of emails. They count rows in the database, so they hold across processes and servers.
Staff bookings are not limited."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db.models import Q

from booking.models import Appointment

WINDOW = datetime.timedelta(hours=1)


class LimitReached(Exception):
    """Raised with a message fit to show the patient; nothing they typed is lost."""


def client_key(address):
    """A keyed hash of an internet address: counts requests from one source without storing
    the address (the key is the site's secret, so the hash cannot be looked up)."""
    if not address:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def check(*, clinic, email, phone, key, now):
    """Raise LimitReached when this request would go over the clinic's booking policy."""
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
    if key:
        recent = Appointment.objects.filter(client_key=key, created_at__gte=now - WINDOW).count()
        if recent >= clinic.max_requests_per_address_hour:
            raise LimitReached(
                "We have had several requests from your connection in the last hour. Please "
                "try again a little later, or call us and we will book it with you."
            )
