"""Checkout: what a visit costs, what was paid, and what is still owed.

A visit's account is its charges (the fee, extras, discounts, a policy fee) less its payments
(refunds are negative payments). Nothing here is ever changed or deleted: a mistake is put right
by another line, so the history and every receipt already issued stay true. Every line is also
an event in the visit's history, with who and when.

Money is kept as exact decimals in the clinic's currency (Clinic.currency), rounded to the cent
half up as a till does. No card number is ever typed or kept: card payments are taken on the
clinic's own terminal and recorded by amount and method.

Who may check a visit out is the caller's to check (the admin: booking.take_payments, and the
visit read through the selectors); these functions keep the money right.
"""

import decimal
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round

from booking.models import Appointment, AppointmentEvent, Charge, Payment
from booking.rules import patients, visits

CENT = Decimal("0.01")
# Visits the day sheet offers to check out: those that took place, and no-shows (a policy fee).
CHECKS_OUT = (*visits.TOOK_PLACE, Appointment.Status.NO_SHOW)
# Charge.amount and Payment.amount hold 8 digits, 2 after the point.
LARGEST = Decimal("999999.99")
MONEY = DecimalField(max_digits=10, decimal_places=2)


class CheckoutRefused(ValueError):
    """A charge or payment that would make the account wrong; `field` is the form field the
    message belongs beside."""

    def __init__(self, message, *, field="amount"):
        super().__init__(message)
        self.field = field


def money(value) -> Decimal:
    """An amount as typed ("45", "45.5", "45.005") as exact cents, rounded half up; refused
    when it is not a number, not positive or too large."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except decimal.InvalidOperation:
        raise CheckoutRefused("Enter an amount as a number, e.g. 95.00.") from None
    if not amount.is_finite():
        raise CheckoutRefused("Enter an amount as a number, e.g. 95.00.")
    if abs(amount) > LARGEST:  # before rounding: 1e30 cannot be rounded to the cent
        raise CheckoutRefused(f"Enter an amount no larger than {LARGEST:,}.")
    amount = amount.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
    if amount <= 0:
        raise CheckoutRefused("Enter an amount greater than zero.")
    if amount > LARGEST:
        raise CheckoutRefused(f"Enter an amount no larger than {LARGEST:,}.")
    return amount


@dataclass(frozen=True)
class Account:
    charged: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")

    @property
    def owing(self) -> Decimal:
        return self.charged - self.paid

    @property
    def due_back(self) -> Decimal:
        """What is owed to the patient (paid beyond what is charged), else 0."""
        return max(-self.owing, Decimal("0.00"))

    @property
    def status(self) -> str:
        """ "paid", "part paid", "owing", "in credit" (paid more than charged: a refund is
        due) or "" (nothing charged yet)."""
        if self.charged == 0 and self.paid == 0:
            return ""
        if self.owing < 0:
            return "in credit"
        if self.owing == 0:
            return "paid"
        return "part paid" if self.paid > 0 else "owing"


def accounts_for(appointments) -> dict:
    """{appointment id: Account} for these visits (a queryset or ids): two queries, whatever
    their number. A visit with nothing charged or paid gets the empty Account."""
    charged = dict(
        Charge.objects.filter(appointment__in=appointments)
        .values("appointment")
        .annotate(total=Sum("amount"))
        .values_list("appointment", "total")
    )
    paid = dict(
        Payment.objects.filter(appointment__in=appointments)
        .values("appointment")
        .annotate(total=Sum("amount"))
        .values_list("appointment", "total")
    )
    # SQLite sums decimals as it likes ("40" for 40.00): each total is put back in cents.
    return {pk: Account(cents(charged.get(pk)), cents(paid.get(pk))) for pk in {*charged, *paid}}


def cents(total):
    """A total as the database gives it, in cents (SQLite sums decimals as it likes)."""
    return Decimal(total or 0).quantize(CENT)


def _total(model):
    """The sum of a visit's charges or payments, as a subquery (0 when there are none)."""
    lines = (
        model.objects.filter(appointment=OuterRef("pk"))
        .values("appointment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines), Value(Decimal("0.00")), output_field=MONEY)


def unsettled(appointments):
    """Those of `appointments` (a queryset) whose account is not square: money still owed, or
    paid beyond what is charged (a refund due). Each carries `charged` and `paid`; one query,
    whatever their number."""
    return (
        appointments.filter(Exists(Charge.objects.filter(appointment=OuterRef("pk"))))
        .annotate(charged=_total(Charge), paid=_total(Payment))
        # Rounded to the cent: SQLite adds decimals as floating point (0.1 + 0.2 is a hair
        # over 0.3 there).
        .annotate(owed=Round(F("charged") - F("paid"), precision=2, output_field=MONEY))
        .exclude(owed=0)
    )


def account_of(appointment) -> Account:
    return accounts_for([appointment.pk]).get(appointment.pk, Account())


def fee_description(appointment) -> str:
    """ "Initial assessment and treatment, 60 minutes": what a receipt lists for the visit."""
    minutes = round((appointment.end - appointment.start).total_seconds() / 60)
    return f"{appointment.service.name}, {minutes} minutes"


def proposed_charges(appointment, clinic) -> list:
    """What the desk is offered to charge, as (kind, description, amount): the service's price
    for a visit that took place and has no fee yet; the policy's fee for a no-show or a late
    cancellation by the patient, if the clinic has one and it is not charged yet. Charging it
    stays the desk's choice."""
    kinds = set(appointment.charges.values_list("kind", flat=True))
    proposed = []
    status = appointment.status
    if status in visits.TOOK_PLACE:
        if Charge.Kind.FEE not in kinds:
            proposed.append(
                (Charge.Kind.FEE, fee_description(appointment), appointment.service.price)
            )
    elif status == Appointment.Status.NO_SHOW and clinic.no_show_fee:
        if Charge.Kind.NO_SHOW not in kinds:
            proposed.append((Charge.Kind.NO_SHOW, _policy_words(appointment), clinic.no_show_fee))
    elif status == Appointment.Status.CANCELLED and clinic.late_cancellation_fee:
        late = patients.late_cancellations(
            Appointment.objects.filter(pk=appointment.pk),
            notice_hours=clinic.cancellation_notice_hours,
        )
        if appointment.pk in late and Charge.Kind.LATE_CANCELLATION not in kinds:
            proposed.append(
                (
                    Charge.Kind.LATE_CANCELLATION,
                    _policy_words(appointment),
                    clinic.late_cancellation_fee,
                )
            )
    return proposed


def _policy_words(appointment):
    return (
        f"{fee_description(appointment)}: not attended"
        if (appointment.status == Appointment.Status.NO_SHOW)
        else f"{fee_description(appointment)}: cancelled late"
    )


@transaction.atomic
def charge(appointment, *, kind, amount, by, clinic, reason=""):
    """Add a line to the visit's account. The fee and the policy fees only as proposed_charges
    offers them (the amount may differ: a longer session); an extra and a discount need a
    reason, and a discount cannot take the total below nothing."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    amount = money(amount)
    reason = reason.strip()
    if kind in (Charge.Kind.EXTRA, Charge.Kind.DISCOUNT):
        if not reason:
            raise CheckoutRefused("Say why, for the record and the receipt.", field="reason")
        if kind == Charge.Kind.EXTRA and appointment.status not in visits.TOOK_PLACE:
            raise CheckoutRefused("Only a visit that took place has extras.")
        if kind == Charge.Kind.DISCOUNT:
            # Also how a policy fee is waived, or one mistyped put right.
            if amount > account_of(appointment).charged:
                raise CheckoutRefused("A discount cannot be more than what is charged.")
            amount = -amount
        # The kind's word: the reason, which may name someone, is cleared after the years the
        # money is kept (booking/personal_data.py); the description stays.
        description = Charge.Kind(kind).label
    else:
        offered = {k: words for k, words, _amount in proposed_charges(appointment, clinic)}
        if kind not in offered:
            raise CheckoutRefused(_why_not(kind, appointment), field="kind")
        description = offered[kind]
    line = Charge.objects.create(
        appointment=appointment,
        kind=kind,
        description=description,
        amount=amount,
        reason=reason,
        created_by=by,
    )
    _event(appointment, by, f"Charged: {line.get_kind_display()} {amount:,}")
    return line


def _why_not(kind, appointment):
    if Charge.objects.filter(appointment=appointment, kind=kind).exists():
        return f"The {Charge.Kind(kind).label.lower()} is already charged."
    if kind == Charge.Kind.FEE:
        return "A visit is charged its fee once it took place (arrived or completed)."
    if kind == Charge.Kind.NO_SHOW:
        return "Only a no-show is charged the no-show fee, when the clinic's policy has one."
    return (
        "Only a cancellation the patient made inside the notice is charged the late "
        "cancellation fee, when the clinic's policy has one."
    )


@transaction.atomic
def pay(appointment, *, method, amount, by, reason=""):
    """Record money taken for the visit (several payments may settle it). More than is owed
    is refused: a mistyped amount would otherwise become a refund to give back."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    amount = money(amount)
    owing = account_of(appointment).owing
    if owing <= 0:
        raise CheckoutRefused("Nothing is owed on this visit.")
    if amount > owing:
        raise CheckoutRefused(f"That is more than is owed ({owing:,}).")
    payment = Payment.objects.create(
        appointment=appointment, method=method, amount=amount, reason=reason.strip(), created_by=by
    )
    _event(appointment, by, f"Paid: {payment.get_method_display()} {amount:,}")
    return payment


@transaction.atomic
def refund(appointment, *, method, amount, by, reason):
    """Give money back: a negative payment with its reason, never more than was paid."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    amount = money(amount)
    if not reason.strip():
        raise CheckoutRefused("Say why the money is given back.", field="reason")
    paid = account_of(appointment).paid
    if amount > paid:
        raise CheckoutRefused(f"That is more than was paid ({paid:,}).")
    payment = Payment.objects.create(
        appointment=appointment, method=method, amount=-amount, reason=reason.strip(), created_by=by
    )
    _event(appointment, by, f"Refunded: {payment.get_method_display()} {amount:,} ({reason})")
    return payment


def _event(appointment, by, note):
    AppointmentEvent.objects.create(
        appointment=appointment, action=AppointmentEvent.Action.CHECKOUT, actor=by, note=note[:300]
    )
