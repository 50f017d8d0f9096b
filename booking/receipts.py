"""Receipts for paid visits, as a patient claims them from extended health insurance.

A receipt names the clinic (its address and tax number), the therapist with her registration,
the date, the service and its length, what was charged and paid, and its number. Numbers run in
one unbroken sequence: a receipt takes the next one while holding the counter's row, in the same
transaction as the receipt itself, so a failure gives the number back and two desks at once
never share one. What it says is kept as issued (`details` and the PDF); a correction is a new
receipt that names the one it replaces, and the old one stays on record.

Emailed through the outbox (the PDF attached; the email itself names no service, which could
say something about the patient's health), printed from the visit, and a patient's year of
receipts is one PDF.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from booking import checkout, notifications, receipt_pdf
from booking.clock import clock_with_zone
from booking.models import Appointment, AppointmentEvent, Receipt, ReceiptCounter
from emails import outbox

# The years a year of receipts may be asked for (a crafted /receipts/10000/ is no date).
FIRST_YEAR, LAST_YEAR = 1900, 2999


class ReceiptRefused(ValueError):
    pass


def _staff_name(user):
    return user.get_full_name() or user.get_username()


def details_of(appointment, *, number, clinic, by, now, replaces=None):
    """Everything a receipt prints, as it stands now (kept on the receipt as issued)."""
    zone = clinic.zone
    local_visit = appointment.start.astimezone(zone)
    local_now = now.astimezone(zone)
    therapist = appointment.therapist
    account = checkout.account_of(appointment)
    address = [
        clinic.street_address,
        ", ".join(part for part in (clinic.city, clinic.region, clinic.postal_code) if part),
        clinic.country,
    ]
    return {
        "title": f"Receipt no. {number}",
        "number": number,
        "issued": f"{local_now:%B} {local_now.day}, {local_now.year}",
        "replaces": replaces.number if replaces else None,
        "clinic": {
            "name": clinic.name,
            "address": [part for part in address if part],
            "tax_number": clinic.tax_number,
        },
        "patient": appointment.patient_name,
        "visit_date": f"{local_visit:%A, %B} {local_visit.day}, {local_visit.year}, "
        f"{clock_with_zone(appointment.start, zone)}",
        "service": appointment.service.name,
        "minutes": round((appointment.end - appointment.start).total_seconds() / 60),
        "therapist": {
            "name": therapist.name_with_credentials,
            "registration": therapist.registration,
            "registration_number": therapist.registration_number,
        },
        "currency": clinic.currency,
        "charges": [
            {
                "description": f"{charge.description}: {charge.reason}"
                if charge.reason
                else charge.description,
                "amount": f"{charge.amount:,}",
            }
            for charge in appointment.charges.all()
        ],
        "payments": [
            {
                "date": f"{payment.created_at.astimezone(zone):%b} "
                f"{payment.created_at.astimezone(zone).day}, "
                f"{payment.created_at.astimezone(zone).year}",
                "method": payment.get_method_display(),
                "amount": f"{payment.amount:,}",
            }
            for payment in appointment.payments.all()
        ],
        "total": f"{account.charged:,}",
        "paid": f"{account.paid:,}",
        "issued_by": _staff_name(by),
    }


def issue(appointment, *, by, clinic, now=None):
    """The visit's receipt, numbered next; when one stands already, a correction that replaces
    it. Only a paid visit has one. Which one stands is read under the visit's lock, so two
    clicks at once give a receipt and its correction, never two originals (a database
    constraint says so too)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            # The visit's row only (not its service's and therapist's, which every checkout
            # shares): the counter is what takes turns.
            Appointment.objects.select_for_update(of=("self",))
            .select_related("service", "therapist")
            .get(pk=appointment.pk)
        )
        if checkout.account_of(appointment).status != "paid":
            raise ReceiptRefused("Only a visit paid in full has a receipt.")
        replaces = current(appointment.receipts.all()).first()
        # Made by migration 0024; made again if a test emptied the table.
        counter, _made = ReceiptCounter.objects.select_for_update().get_or_create(pk=1)
        number = counter.next_number
        ReceiptCounter.objects.filter(pk=1).update(next_number=number + 1)
        details = details_of(
            appointment, number=number, clinic=clinic, by=by, now=now, replaces=replaces
        )
        receipt = Receipt.objects.create(
            number=number,
            appointment=appointment,
            replaces=replaces,
            patient_name=appointment.patient_name,
            details=details,
            pdf=receipt_pdf.render([details]),
            issued_by=by,
            issued_at=now,
        )
        said = f"Receipt no. {number} issued"
        if replaces is not None:
            said += f", replacing no. {replaces.number}"
        AppointmentEvent.objects.create(
            appointment=appointment, action=AppointmentEvent.Action.CHECKOUT, actor=by, note=said
        )
    return receipt


def missing(appointment, clinic):
    """What an insurer looks for that a receipt of this visit would not say, in words: the
    therapist's registration number, the clinic's address. A receipt is never changed, so the
    desk is told before issuing one."""
    gaps = []
    if not appointment.therapist.registration_number:
        gaps.append(f"{appointment.therapist.name}'s registration number (Therapists)")
    if not clinic.street_address:
        gaps.append("the clinic's address (Clinic details)")
    return gaps


def stale(receipt, account):
    """Whether what the receipt says was charged and paid is no longer the visit's account (a
    refund, a discount or an extra since): it must not be sent or claimed; a correction is."""
    return (receipt.details["total"], receipt.details["paid"]) != (
        f"{account.charged:,}",
        f"{account.paid:,}",
    )


def email(receipt, *, by):
    """Send the receipt to the visit's email address through the outbox (after the commit, with
    retries); None when the visit has no address (a caller booked by phone)."""
    appointment = receipt.appointment
    if stale(receipt, checkout.account_of(appointment)):
        raise ReceiptRefused(
            f"The account changed since receipt no. {receipt.number}: issue a corrected receipt."
        )
    with transaction.atomic():
        sent = outbox.send(
            notifications.receipt_email(receipt),
            kind="receipt",
            about=f"appointment:{appointment.pk}",
        )
        if sent is not None:
            AppointmentEvent.objects.create(
                appointment=appointment,
                action=AppointmentEvent.Action.CHECKOUT,
                actor=by,
                note=f"Receipt no. {receipt.number} emailed",
            )
    return sent


def current(receipts):
    """Those of `receipts` that nothing has replaced."""
    return receipts.filter(replaced_by__isnull=True)


def year_of(patient, year, *, clinic, visible):
    """The patient's receipts for `visible` visits (a queryset through the selectors) in `year`
    (clinic dates), those still valid, as one PDF, oldest first; None when there are none."""
    zone = clinic.zone
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    receipts = list(
        current(
            Receipt.objects.filter(
                appointment__in=visible,
                appointment__patient=patient,
                appointment__start__gte=start,
                appointment__start__lt=end,
            )
        ).order_by("appointment__start", "number")
    )
    # A receipt the account has moved on from is no claim: it is left out until corrected.
    accounts = checkout.accounts_for([receipt.appointment_id for receipt in receipts])
    details = [
        receipt.details
        for receipt in receipts
        if not stale(receipt, accounts.get(receipt.appointment_id, checkout.Account()))
    ]
    return receipt_pdf.render(details) if details else None


def years_of(patient, *, clinic):
    """The years (clinic time) of the patient's visits with a valid receipt, newest first."""
    starts = current(Receipt.objects.filter(appointment__patient=patient)).values_list(
        "appointment__start", flat=True
    )
    return sorted({start.astimezone(clinic.zone).year for start in starts}, reverse=True)
