"""The takings: money received between two clinic dates, payment by payment, with totals per
day, per therapist and per way of paying (refunds count against them). What the front desk
checks against the card terminal's and the cash drawer's totals at close, and what the
bookkeeper receives as CSV (booking/admin/takings.py).

A payment belongs to the day it was taken (clinic time), which may not be the visit's day; to
the therapist of the visit it paid for. Three queries, whatever the number of payments.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from booking.models import Appointment, Payment
from booking.rules import selectors
from booking.rules.availability import wall_clock_instant

ZERO = Decimal("0.00")


@dataclass
class Takings:
    first_day: datetime.date
    last_day: datetime.date
    payments: list = field(default_factory=list)  # each with .local (its clinic time)
    total: Decimal = ZERO
    by_day: dict = field(default_factory=dict)  # date -> Decimal, every day of the range
    by_therapist: dict = field(default_factory=dict)  # name -> Decimal, by name
    by_method: dict = field(default_factory=dict)  # label -> Decimal, in Payment.Method order


def between(first_day, last_day, *, zone, user):
    """The payments taken in the range for the visits `user` may see (the selectors)."""
    start = wall_clock_instant(first_day, datetime.time(0), zone, boundary="start")
    end = wall_clock_instant(
        last_day + datetime.timedelta(days=1), datetime.time(0), zone, boundary="start"
    )
    visible = selectors.appointments_visible_to(user, Appointment.objects.all())
    payments = list(
        Payment.objects.filter(created_at__gte=start, created_at__lt=end, appointment__in=visible)
        .select_related("appointment__therapist", "appointment__service", "created_by")
        .order_by("created_at", "pk")
    )
    takings = Takings(first_day, last_day, payments)
    by_day = {first_day + datetime.timedelta(days=n): ZERO
              for n in range((last_day - first_day).days + 1)}  # fmt: skip
    by_therapist, by_method = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for payment in payments:
        payment.local = payment.created_at.astimezone(zone)
        by_day[payment.local.date()] += payment.amount
        by_therapist[payment.appointment.therapist.name] += payment.amount
        by_method[payment.method] += payment.amount
        takings.total += payment.amount
    takings.by_day = by_day
    takings.by_therapist = dict(sorted(by_therapist.items()))
    takings.by_method = {
        label: by_method[value] for value, label in Payment.Method.choices if value in by_method
    }
    return takings
