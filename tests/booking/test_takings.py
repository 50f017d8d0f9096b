"""The takings page and its CSV (booking/takings.py, booking/admin/takings.py): the day's money
matches the payments taken, per therapist and per way of paying, refunds counted against them;
a payment belongs to the clinic day it was taken; therapists cannot see it (issue 23)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import checkout, takings
from booking.models import Charge
from booking.rules import services
from tests.booking.conftest import at, next_weekday
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db
PAGE = reverse("admin:booking_appointment_takings")
CSV = reverse("admin:booking_appointment_takings_csv")


def took_place(service, therapist, start, patient, desk):
    visit = services.request_appointment(
        service=service, therapist=therapist, start=start, patient=patient
    )
    services.confirm_appointment(appointment=visit, by=desk)
    return services.mark_arrived(appointment=visit, by=desk, now=start)


def checked_out(visit, clinic, desk, payments):
    """Charge the visit what `payments` add up to, and take them: [(method, amount)]."""
    total = sum(Decimal(amount) for _, amount in payments)
    checkout.charge(visit, kind=Charge.Kind.FEE, amount=total, by=desk, clinic=clinic)
    for method, amount in payments:
        checkout.pay(visit, method=method, amount=amount, by=desk)


@pytest.fixture
def day(massage, dana, marcus, booking_clinic, patient, front_desk_user):
    """A Wednesday: Dana's visit paid by card and cash, Marcus's by card, then $20 refunded."""
    wednesday = next_weekday(2)
    zone = booking_clinic.zone
    first = took_place(massage, dana, at(wednesday, "10:00", zone), patient, front_desk_user)
    second = took_place(massage, marcus, at(wednesday, "11:00", zone), patient, front_desk_user)
    with time_machine.travel(at(wednesday, "17:00", zone), tick=False):
        checked_out(first, booking_clinic, front_desk_user, [("card", "80"), ("cash", "20")])
        checked_out(second, booking_clinic, front_desk_user, [("card", "100")])
        checkout.refund(second, method="card", amount="20", reason="Short", by=front_desk_user)
    return wednesday


def test_the_days_takings_match_its_payments(day, booking_clinic, front_desk_user):
    found = takings.between(day, day, zone=booking_clinic.zone, user=front_desk_user)
    assert found.total == Decimal("180.00")
    assert found.by_method == {
        "Card (at the terminal)": Decimal("160.00"),
        "Cash": Decimal("20.00"),
    }
    assert found.by_therapist == {
        "Dana Whitfield": Decimal("100.00"), "Marcus Oyelaran": Decimal("80.00"),
    }  # fmt: skip
    assert sum(p.amount for p in found.payments) == found.total
    assert takings.between(day + datetime.timedelta(days=1), day + datetime.timedelta(days=1),
                           zone=booking_clinic.zone, user=front_desk_user).total == 0  # fmt: skip


def test_a_payment_belongs_to_the_clinic_day_it_was_taken(
    massage, dana, booking_clinic, patient, front_desk_user
):
    """At 11:30 PM in Toronto it is already tomorrow in UTC: still today's takings."""
    wednesday = next_weekday(2)
    zone = booking_clinic.zone
    visit = took_place(massage, dana, at(wednesday, "10:00", zone), patient, front_desk_user)
    with time_machine.travel(at(wednesday, "23:30", zone), tick=False):
        checked_out(visit, booking_clinic, front_desk_user, [("e_transfer", "100")])
    assert takings.between(wednesday, wednesday, zone=zone, user=front_desk_user).total == Decimal(
        "100.00"
    )
    thursday = wednesday + datetime.timedelta(days=1)
    assert takings.between(thursday, thursday, zone=zone, user=front_desk_user).total == 0


def test_the_page_shows_the_totals_and_the_csv_names_no_patient(
    client, front_desk_user, day, booking_clinic
):
    client.force_login(front_desk_user)
    page = client.get(PAGE, {"from": day.isoformat()}).content.decode()
    assert "$180.00" in page
    assert "(refund: Short)" in page
    response = client.get(CSV, {"from": day.isoformat(), "to": day.isoformat()})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][5] == "Amount (CAD)"
    assert [row[5] for row in rows[1:-1]] == ["80.00", "20.00", "100.00", "-20.00"]
    assert rows[-1][:1] + rows[-1][5:6] == ["Total", "180.00"]
    # No patient, no service, no reason the desk typed.
    for words in ("Avery", "massage", "Short"):
        assert words not in response.content.decode()


def test_the_page_takes_the_same_queries_for_a_busy_range(
    client, front_desk_user, day, booking_clinic
):
    client.force_login(front_desk_user)
    client.get(PAGE)  # warm the session
    counts = []
    for last in (day, day + datetime.timedelta(days=30)):
        with CaptureQueriesContext(connection) as queries:
            client.get(PAGE, {"from": (day - datetime.timedelta(days=30)).isoformat(),
                              "to": last.isoformat()})  # fmt: skip
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_range_that_is_not_one_shows_today_and_says_so(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get(PAGE, {"from": "2027-03-10", "to": "2027-03-01"}, follow=True)
    assert response.status_code == 200
    assert "Choose a range of up to a year" in response.content.decode()
    for crafted in ({"from": "not a date"}, {"from": "0001-01-01"}, {"to": "9999-12-31"}):
        assert client.get(PAGE, crafted).status_code == 200
        assert client.get(CSV, crafted).status_code == 200


def test_a_therapist_cannot_see_the_takings(client, dana):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_month_report_shows_the_money_received_per_therapist(
    client, front_desk_user, day, booking_clinic
):
    client.force_login(front_desk_user)
    month = f"{day:%Y-%m}"
    response = client.get(reverse("admin:booking_appointment_month"), {"month": month})
    report = response.context["report"]
    assert report.month.taken == Decimal("180.00")
    assert report.takings_pairs() == [
        ("Dana Whitfield", Decimal("100.00"), Decimal("0.00")),
        ("Marcus Oyelaran", Decimal("80.00"), Decimal("0.00")),
    ]
    assert 'data-figure="taken">180.00<' in response.content.decode()
    lines = client.get(reverse("admin:booking_appointment_month_csv"), {"month": month})
    assert "Money received,All,180.00,0.00" in lines.content.decode()
