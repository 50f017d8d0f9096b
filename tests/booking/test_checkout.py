"""Checkout's money (booking/checkout.py): the fee proposed from the service, extras and
discounts with their reasons, payments that settle a visit in parts, refunds, the policy's fees
for a no-show or a late cancellation, and exact cents (issue 23)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections

from booking import checkout
from booking.checkout import CheckoutRefused
from booking.models import Appointment, AppointmentEvent, Charge, Payment
from booking.rules import services
from tests.booking.conftest import at, next_weekday

pytestmark = pytest.mark.django_db
CARD, CASH = Payment.Method.CARD, Payment.Method.CASH


@pytest.fixture
def visit(massage, dana, booking_clinic, patient, front_desk_user):
    """Avery's visit with Dana (a $100.00, 60-minute massage), marked arrived at its start."""
    start = at(next_weekday(2), "10:00", booking_clinic.zone)
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.confirm_appointment(appointment=appointment, by=front_desk_user)
    return services.mark_arrived(appointment=appointment, by=front_desk_user, now=start)


def charge_fee(visit, clinic, by, amount=None):
    return checkout.charge(
        visit, kind=Charge.Kind.FEE, amount=amount or visit.service.price, by=by, clinic=clinic
    )


def test_the_fee_is_proposed_from_the_service_and_charged_once(
    visit, booking_clinic, front_desk_user
):
    assert checkout.proposed_charges(visit, booking_clinic) == [
        (Charge.Kind.FEE, "Deep tissue massage, 60 minutes", Decimal("100.00"))
    ]
    charge_fee(visit, booking_clinic, front_desk_user, amount="115")  # a longer session
    assert checkout.account_of(visit) == checkout.Account(charged=Decimal("115.00"))
    assert checkout.account_of(visit).status == "owing"
    assert checkout.proposed_charges(visit, booking_clinic) == []
    with pytest.raises(CheckoutRefused, match="already charged"):
        charge_fee(visit, booking_clinic, front_desk_user)


def test_payments_settle_a_visit_in_parts_and_never_past_what_is_owed(
    visit, booking_clinic, front_desk_user
):
    charge_fee(visit, booking_clinic, front_desk_user)
    checkout.pay(visit, method=CARD, amount="60", by=front_desk_user)
    assert checkout.account_of(visit).status == "part paid"
    with pytest.raises(CheckoutRefused, match=r"more than is owed \(40.00\)"):
        checkout.pay(visit, method=CASH, amount="40.01", by=front_desk_user)
    checkout.pay(visit, method=CASH, amount="40", by=front_desk_user)
    account = checkout.account_of(visit)
    assert (account.charged, account.paid, account.owing, account.status) == (
        Decimal("100.00"), Decimal("100.00"), Decimal("0.00"), "paid",
    )  # fmt: skip
    with pytest.raises(CheckoutRefused, match="Nothing is owed"):
        checkout.pay(visit, method=CASH, amount="1", by=front_desk_user)


def test_an_extra_and_a_discount_need_a_reason_and_a_discount_cannot_exceed_the_total(
    visit, booking_clinic, front_desk_user
):
    charge_fee(visit, booking_clinic, front_desk_user)
    with pytest.raises(CheckoutRefused) as refused:
        checkout.charge(
            visit, kind=Charge.Kind.EXTRA, amount="30", by=front_desk_user, clinic=booking_clinic
        )
    assert refused.value.field == "reason"
    checkout.charge(
        visit, kind=Charge.Kind.EXTRA, amount="30", reason="Extra 30 minutes",
        by=front_desk_user, clinic=booking_clinic,
    )  # fmt: skip
    with pytest.raises(CheckoutRefused, match="more than what is charged"):
        checkout.charge(
            visit, kind=Charge.Kind.DISCOUNT, amount="130.01", reason="Too much",
            by=front_desk_user, clinic=booking_clinic,
        )  # fmt: skip
    line = checkout.charge(
        visit, kind=Charge.Kind.DISCOUNT, amount="13", reason="Senior's rate",
        by=front_desk_user, clinic=booking_clinic,
    )  # fmt: skip
    assert line.amount == Decimal("-13.00")
    assert checkout.account_of(visit).charged == Decimal("117.00")


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("95", "95.00"), ("95.5", "95.50"), ("95.005", "95.01"), ("95.004", "95.00"),
     ("$1,095.10", "1095.10"), (" 0.005 ", "0.01")],
)  # fmt: skip
def test_amounts_are_exact_cents_rounded_half_up(typed, cents):
    assert checkout.money(typed) == Decimal(cents)


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "0", "0.004", "NaN", "Infinity", "1e9", "1e30", "-1e30"]
)
def test_amounts_that_are_not_money_are_refused(typed):
    with pytest.raises(CheckoutRefused):
        checkout.money(typed)


def test_thirds_add_up_to_the_cent(visit, booking_clinic, front_desk_user):
    """Three payments of a third of $100 leave a cent owing, not a fraction of one."""
    charge_fee(visit, booking_clinic, front_desk_user)
    for _ in range(3):
        checkout.pay(visit, method=CARD, amount=Decimal(100) / 3, by=front_desk_user)
    assert checkout.account_of(visit).owing == Decimal("0.01")


def test_a_refund_is_a_negative_payment_with_its_reason_never_more_than_was_paid(
    visit, booking_clinic, front_desk_user
):
    charge_fee(visit, booking_clinic, front_desk_user)
    checkout.pay(visit, method=CARD, amount="100", by=front_desk_user)
    with pytest.raises(CheckoutRefused) as refused:
        checkout.refund(visit, method=CARD, amount="20", reason=" ", by=front_desk_user)
    assert refused.value.field == "reason"
    with pytest.raises(CheckoutRefused, match="more than was paid"):
        checkout.refund(visit, method=CARD, amount="100.01", reason="Oops", by=front_desk_user)
    checkout.charge(
        visit, kind=Charge.Kind.DISCOUNT, amount="20", reason="Shortened session",
        by=front_desk_user, clinic=booking_clinic,
    )  # fmt: skip
    assert checkout.account_of(visit).status == "in credit"
    back = checkout.refund(
        visit, method=CARD, amount="20", reason="Shortened session", by=front_desk_user
    )
    assert back.amount == Decimal("-20.00")
    assert checkout.account_of(visit).status == "paid"


def test_every_line_is_in_the_visits_history_with_who(visit, booking_clinic, front_desk_user):
    charge_fee(visit, booking_clinic, front_desk_user)
    checkout.pay(visit, method=CASH, amount="100", by=front_desk_user)
    notes = list(
        AppointmentEvent.objects.filter(
            appointment=visit, action=AppointmentEvent.Action.CHECKOUT
        ).values_list("note", "actor")
    )
    assert notes == [
        ("Charged: Fee 100.00", front_desk_user.pk),
        ("Paid: Cash 100.00", front_desk_user.pk),
    ]


def test_a_visit_that_has_not_taken_place_is_not_charged_its_fee(
    massage, dana, booking_clinic, patient, front_desk_user
):
    coming = services.request_appointment(
        service=massage, therapist=dana, patient=patient,
        start=at(next_weekday(3), "10:00", booking_clinic.zone),
    )  # fmt: skip
    assert checkout.proposed_charges(coming, booking_clinic) == []
    with pytest.raises(CheckoutRefused, match="once it took place"):
        charge_fee(coming, booking_clinic, front_desk_user)


def test_the_no_show_fee_is_the_policys_and_charged_only_when_the_desk_chooses(
    massage, dana, booking_clinic, patient, front_desk_user
):
    start = at(next_weekday(2), "15:00", booking_clinic.zone)
    missed = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.confirm_appointment(appointment=missed, by=front_desk_user)
    services.mark_no_show(
        appointment=missed, by=front_desk_user, now=start + datetime.timedelta(minutes=20)
    )
    assert checkout.proposed_charges(missed, booking_clinic) == []  # the policy has no fee
    booking_clinic.no_show_fee = Decimal("90.00")
    booking_clinic.save()
    assert checkout.account_of(missed).status == ""  # nothing charged until the desk says so
    [(kind, words, amount)] = checkout.proposed_charges(missed, booking_clinic)
    assert (kind, amount) == (Charge.Kind.NO_SHOW, Decimal("90.00"))
    assert words == "Deep tissue massage, 60 minutes: not attended"
    checkout.charge(missed, kind=kind, amount=amount, by=front_desk_user, clinic=booking_clinic)
    checkout.pay(missed, method=CASH, amount="90", by=front_desk_user)
    assert checkout.account_of(missed).status == "paid"


def test_a_policy_fee_is_waived_by_a_discount_with_its_reason(
    massage, dana, booking_clinic, patient, front_desk_user
):
    booking_clinic.no_show_fee = Decimal("90.00")
    booking_clinic.save()
    start = at(next_weekday(2), "15:00", booking_clinic.zone)
    missed = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.confirm_appointment(appointment=missed, by=front_desk_user)
    services.mark_no_show(
        appointment=missed, by=front_desk_user, now=start + datetime.timedelta(minutes=20)
    )
    checkout.charge(
        missed, kind=Charge.Kind.NO_SHOW, amount="90", by=front_desk_user, clinic=booking_clinic
    )
    with pytest.raises(CheckoutRefused, match="Only a visit that took place has extras"):
        checkout.charge(
            missed, kind=Charge.Kind.EXTRA, amount="5", reason="x", by=front_desk_user,
            clinic=booking_clinic,
        )  # fmt: skip
    checkout.charge(
        missed, kind=Charge.Kind.DISCOUNT, amount="90", reason="Family emergency: waived",
        by=front_desk_user, clinic=booking_clinic,
    )  # fmt: skip
    assert checkout.account_of(missed).owing == 0


@pytest.mark.parametrize(("hours_before", "late"), [(30, False), (5, True)])
def test_the_late_cancellation_fee_only_for_the_patients_own_late_cancellation(
    massage, dana, booking_clinic, patient, front_desk_user, hours_before, late
):
    booking_clinic.late_cancellation_fee = Decimal("45.00")
    booking_clinic.save()
    start = at(next_weekday(2), "15:00", booking_clinic.zone)
    visit = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.confirm_appointment(appointment=visit, by=front_desk_user)
    services.change_status(
        appointment=visit, transition="cancel", by=front_desk_user, by_patient=True,
        now=start - datetime.timedelta(hours=hours_before),
    )  # fmt: skip
    AppointmentEvent.objects.filter(
        appointment=visit, action=AppointmentEvent.Action.CANCELLED
    ).update(at=start - datetime.timedelta(hours=hours_before))
    proposed = checkout.proposed_charges(visit, booking_clinic)
    assert [kind for kind, *_ in proposed] == ([Charge.Kind.LATE_CANCELLATION] if late else [])


def test_the_clinics_own_cancellation_is_never_charged(
    massage, dana, booking_clinic, patient, front_desk_user
):
    booking_clinic.late_cancellation_fee = Decimal("45.00")
    booking_clinic.save()
    start = at(next_weekday(2), "15:00", booking_clinic.zone)
    visit = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.cancel_appointment(
        appointment=visit, by=front_desk_user, now=start - datetime.timedelta(hours=2)
    )
    with pytest.raises(CheckoutRefused, match="cancellation the patient made"):
        checkout.charge(
            visit, kind=Charge.Kind.LATE_CANCELLATION, amount="45", by=front_desk_user,
            clinic=booking_clinic,
        )  # fmt: skip


def test_a_visit_paid_to_the_cent_is_not_owing(visit, booking_clinic, front_desk_user):
    """10 cents and 20 cents charged, 30 cents paid: settled, though SQLite adds decimals as
    floating point (0.1 + 0.2 is a hair over 0.3 there)."""
    charge_fee(visit, booking_clinic, front_desk_user, amount="0.10")
    checkout.charge(
        visit, kind=Charge.Kind.EXTRA, amount="0.20", reason="Hot stones",
        by=front_desk_user, clinic=booking_clinic,
    )  # fmt: skip
    assert list(checkout.unsettled(Appointment.objects.all())) == [visit]
    checkout.pay(visit, method=CASH, amount="0.30", by=front_desk_user)
    assert list(checkout.unsettled(Appointment.objects.all())) == []
    assert checkout.account_of(visit).status == "paid"


def test_accounts_for_many_visits_take_two_queries(
    visit, booking_clinic, front_desk_user, django_assert_num_queries
):
    charge_fee(visit, booking_clinic, front_desk_user)
    checkout.pay(visit, method=CARD, amount="25", by=front_desk_user)
    with django_assert_num_queries(2):
        accounts = checkout.accounts_for(Appointment.objects.all())
    assert accounts[visit.pk].status == "part paid"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_taking_the_last_payment_at_once_cannot_both_take_it(
    visit, booking_clinic, front_desk_user
):
    """Two payments of the whole amount at the same moment: one is taken, one refused."""
    charge_fee(visit, booking_clinic, front_desk_user)
    barrier, outcomes = threading.Barrier(2), []

    def take():
        try:
            barrier.wait()
            checkout.pay(visit, method=CARD, amount="100", by=front_desk_user)
            outcomes.append("taken")
        except CheckoutRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "taken"]
    assert checkout.account_of(visit).paid == Decimal("100.00")
