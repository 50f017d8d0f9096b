"""Crafted links to the admin (booking/admin/params.py): an id or an instant the address carries is
read or ignored, never a 500."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking.admin.params import read_id, read_instant
from booking.rules import schedule, services
from tests.booking.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

# "²" and "٣" pass str.isdigit() and then fail int(); the dates overflow once moved to UTC.
BAD_IDS = ["²", "٣", "1²", "-1", " 1", "9" * 40]
BAD_STARTS = [
    "9999-12-31T23:00-05:00",
    "0001-01-01T00:00+14:00",
    "0001-01-01T00:00+00:00",
    "not a time",
]


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient, front_desk_user):
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    mail.outbox.clear()
    return appointment


def _urls(visit, dana, monday, zone, *, bad_id=None, bad_start=None):
    """Every admin address that reads an id or an instant from its query string."""
    add = reverse("admin:booking_appointment_add")
    move = reverse("admin:booking_appointment_move", args=[visit.pk])
    details = reverse("admin:booking_appointment_patient_details", args=[visit.patient_id])
    free = at(monday, "11:15", zone).isoformat()
    if bad_id is not None:
        return [
            (add, {"therapist": bad_id}),
            (add, {"therapist": bad_id, "start": free}),
            (add, {"patient": bad_id}),
            (add, {"service": bad_id}),
            (add, {"waitlist_offer": bad_id}),
            (move, {"start": free, "therapist": bad_id}),
        ]
    return [
        (add, {"therapist": dana.pk, "start": bad_start}),
        (add, {"start": bad_start}),
        (details, {"before": bad_start}),
        (move, {"start": bad_start, "therapist": dana.pk}),
    ]


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_a_crafted_id_in_an_admin_link_is_ignored_not_a_500(
    desk, visit, dana, monday, booking_clinic, bad_id
):
    for url, params in _urls(visit, dana, monday, booking_clinic.zone, bad_id=bad_id):
        response = desk.get(url, params)
        assert response.status_code in (200, 302, 404), (url, params)


@pytest.mark.parametrize("bad_start", BAD_STARTS)
def test_a_crafted_start_in_an_admin_link_is_ignored_not_a_500(
    desk, visit, dana, monday, booking_clinic, bad_start
):
    for url, params in _urls(visit, dana, monday, booking_clinic.zone, bad_start=bad_start):
        response = desk.get(url, params)
        assert response.status_code in (200, 302, 404), (url, params)


def test_the_add_form_posted_with_a_crafted_therapist_says_so(
    desk, massage, monday, booking_clinic
):
    response = desk.post(
        reverse("admin:booking_appointment_add"),
        {"service": massage.pk, "therapist": "²", "start_0": monday.isoformat(),
         "start_1": "11:15", "patient_name": "Casey", "patient_phone": "416-555-0177",
         "is_new_patient": "True", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["therapist"]


def test_an_ignored_start_leaves_the_add_form_empty_not_filled_with_the_raw_text(
    desk, dana, booking_clinic
):
    response = desk.get(
        reverse("admin:booking_appointment_add"),
        {"therapist": dana.pk, "start": "9999-12-31T23:00-05:00"},
    )
    form = response.context["adminform"].form
    assert form.initial["therapist"] == dana.pk
    assert "start" not in form.initial


@pytest.mark.parametrize(
    ("text", "read"), [("12", 12), ("0012", 12), ("²", None), ("", None), (None, None), (7, 7)]
)
def test_read_id_takes_ascii_digits_only(text, read):
    assert read_id(text) == read


def test_read_instant_keeps_a_start_from_a_day_back_to_the_booking_horizon():
    now = datetime.datetime(2030, 3, 4, 15, tzinfo=datetime.UTC)
    inside = now + datetime.timedelta(days=30)
    assert read_instant(inside.isoformat(), now=now) == inside
    assert read_instant((now - datetime.timedelta(hours=23)).isoformat(), now=now) is not None
    assert read_instant((now - datetime.timedelta(days=2)).isoformat(), now=now) is None
    beyond = now + schedule.REACH + datetime.timedelta(days=1)
    assert read_instant(beyond.isoformat(), now=now) is None
    assert read_instant("2030-03-05T10:00", now=now) is None  # no offset, no zone: refused
    zone = timezone.get_fixed_timezone(-300)
    assert read_instant("2030-03-05T10:00", zone=zone, now=now) == datetime.datetime(
        2030, 3, 5, 10, tzinfo=zone
    )
