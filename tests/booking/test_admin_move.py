"""Moving a visit from the admin, and decline/cancel asking once (also in bulk)."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from booking.models import Appointment, AppointmentEvent
from booking.rules import services
from tests.booking.conftest import at
from tests.html import tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]
# The same at one other visit in the week and at twelve (measured; see the test at the end).
QUERIES_TO_LIST = 14
QUERIES_TO_ASK = 14


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient, front_desk_user):
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    services.confirm_appointment(appointment=appointment, by=front_desk_user)
    mail.outbox.clear()
    return appointment


def test_move_lists_free_times_for_her_therapist_first_and_others_who_offer_it(
    desk, visit, monday, dana, marcus
):
    response = desk.get(
        reverse("admin:booking_appointment_move", args=[visit.pk]), {"from": monday.isoformat()}
    )
    days = response.context["days"]
    therapists = [therapist for therapist, _ in days[monday]]
    assert therapists == [dana, marcus]
    dana_times = dict(days[monday])[dana]
    assert visit.start in dana_times  # its own time counts as free: nudging it is a move too
    page = response.content.decode()
    assert "Move to another time" not in page  # this is the move page itself
    assert f"{monday:%A, %B} {monday.day}" in page


def test_saying_yes_moves_it_to_another_therapist_and_tells_the_patient_both_times(
    desk, visit, monday, marcus, booking_clinic, front_desk_user
):
    new_start = at(monday, "14:00", booking_clinic.zone)
    response = desk.post(
        reverse("admin:booking_appointment_move", args=[visit.pk]),
        {"therapist": marcus.pk, "start": new_start.isoformat()},
        follow=True,
    )
    visit.refresh_from_db()
    assert (visit.therapist, visit.start) == (marcus, new_start)
    assert visit.status == Appointment.Status.CONFIRMED
    page = response.content.decode()
    assert "moved from" in page
    assert "with Dana Whitfield to" in page
    assert "with Marcus Oyelaran. The patient is told by email." in page
    [email] = mail.outbox
    assert f"has moved from {monday:%A, %B} {monday.day}, {monday.year}, 10:00 AM" in email.body
    assert f"{monday:%A, %B} {monday.day}, {monday.year}, 2:00 PM" in email.body  # the new time
    event = visit.events.get(action=AppointmentEvent.Action.RESCHEDULED)
    assert event.actor == front_desk_user
    assert event.previous_start == at(monday, "10:00", booking_clinic.zone)


def test_the_page_opens_at_the_visits_own_week_with_a_date_picker_for_any_other(
    desk, massage, dana, monday, booking_clinic, patient, front_desk_user
):
    later = monday + datetime.timedelta(weeks=3, days=2)  # a Wednesday three weeks on
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(later, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    url = reverse("admin:booking_appointment_move", args=[visit.pk])
    response = desk.get(url)
    week = [later - datetime.timedelta(days=2) + datetime.timedelta(days=n) for n in range(7)]
    assert set(response.context["days"]) <= set(week)
    assert later in response.context["days"]
    assert "10:00 AM (now)" in response.content.decode()  # its own time, marked
    picker = [
        attrs
        for _, attrs in tags(response.content.decode(), "input")
        if attrs.get("type") == "date"
    ]
    assert [(field["name"], field["value"]) for field in picker] == [("from", week[0].isoformat())]

    asked = monday + datetime.timedelta(weeks=5, days=3)
    jumped = desk.get(url, {"from": asked.isoformat()}).context["days"]
    assert min(jumped) >= asked - datetime.timedelta(days=3)
    assert max(jumped) <= asked + datetime.timedelta(days=3)


def test_choosing_a_time_asks_once_with_from_and_to_and_changes_nothing_yet(
    desk, visit, monday, marcus, booking_clinic
):
    new_start = at(monday + datetime.timedelta(days=1), "14:00", booking_clinic.zone)
    url = reverse("admin:booking_appointment_move", args=[visit.pk])
    listed = desk.get(url).content.decode()
    offered = [
        parse_qs(urlsplit(attrs["href"]).query)
        for _, attrs in tags(listed, "a")
        if attrs.get("href", "").startswith("?therapist=")
    ]
    assert {
        "therapist": [str(marcus.pk)],
        "start": [new_start.astimezone(datetime.UTC).isoformat()],
    } in offered

    question = desk.get(url, {"therapist": marcus.pk, "start": new_start.isoformat()})
    page = question.content.decode()
    assert re.search(r"<dt>From</dt>\s*<dd>\s*Monday, [^<]* 10:00 AM \w+ with Dana Whitfield", page)
    assert re.search(
        r"<dt>To</dt>\s*<dd>\s*<strong>Tuesday, [^<]* 2:00 PM \w+</strong> with <strong>Marcus",
        page,
    )
    assert "The patient is told by email" in page
    assert "Yes, move it" in page
    visit.refresh_from_db()
    assert visit.start == at(monday, "10:00", booking_clinic.zone)
    assert mail.outbox == []


def test_a_time_no_longer_free_is_not_asked_about(desk, visit, monday, dana, booking_clinic):
    night = at(monday, "23:00", booking_clinic.zone)
    url = reverse("admin:booking_appointment_move", args=[visit.pk])
    for start in (night.isoformat(), "not-a-time", ""):
        response = desk.get(url, {"therapist": dana.pk, "start": start}, follow=True)
        assert response.status_code == 200
        assert "Yes, move it" not in response.content.decode()


def test_a_taken_time_is_refused_with_a_clear_message(
    desk, visit, monday, marcus, massage, booking_clinic, patient
):
    taken = at(monday, "14:00", booking_clinic.zone)
    services.request_appointment(service=massage, therapist=marcus, start=taken, patient=patient)
    response = desk.post(
        reverse("admin:booking_appointment_move", args=[visit.pk]),
        {"therapist": marcus.pk, "start": taken.isoformat()},
        follow=True,
    )
    assert "That time is no longer free. Please choose one of these." in response.content.decode()
    visit.refresh_from_db()
    assert visit.start == at(monday, "10:00", booking_clinic.zone)


def test_declining_asks_once_and_sends_the_message(
    desk, massage, dana, monday, booking_clinic, patient
):
    request = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "13:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    mail.outbox.clear()
    url = reverse("admin:booking_appointment_transition", args=[request.pk, "decline"])
    question = desk.get(url)
    assert "Yes, decline" in question.content.decode()
    request.refresh_from_db()
    assert request.status == Appointment.Status.REQUESTED  # asking changed nothing
    desk.post(url, {"message": "Dana is away that week."})
    request.refresh_from_db()
    assert request.status == Appointment.Status.DECLINED
    assert "Dana is away that week." in mail.outbox[0].body


def test_one_click_changes_cannot_be_made_by_opening_a_link(desk, visit):
    url = reverse("admin:booking_appointment_transition", args=[visit.pk, "no_show"])
    assert desk.get(url).status_code == 405


def test_bulk_cancel_asks_once_then_cancels_all_with_the_message(
    desk, visit, massage, marcus, monday, booking_clinic, patient
):
    other = services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "15:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    mail.outbox.clear()
    changelist = reverse("admin:booking_appointment_changelist")
    chosen = {"action": "cancel_selected", helpers.ACTION_CHECKBOX_NAME: [visit.pk, other.pk]}
    question = desk.post(changelist, chosen)
    page = question.content.decode()
    assert "Cancel 2 appointments?" in page
    assert visit.reference in page
    assert other.reference in page
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).count() == 0
    # Who asked is not guessed: the page asks again, keeping the message.
    again = desk.post(changelist, {**chosen, "confirmed": "1", "message": "The clinic is flooded."})
    assert "Please say who asked to cancel" in again.content.decode()
    assert "The clinic is flooded." in again.content.decode()
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).count() == 0
    desk.post(
        changelist,
        {**chosen, "confirmed": "1", "asked_by": "clinic", "message": "The clinic is flooded."},
    )
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).count() == 2
    assert not AppointmentEvent.objects.filter(action="cancelled", by_patient=True).exists()
    assert all(
        "The clinic is flooded." in m.body for m in mail.outbox if m.to == ["avery@example.com"]
    )


def test_a_time_outside_the_offered_ones_is_not_a_move(desk, visit, monday, dana, booking_clinic):
    night = at(monday, "23:00", booking_clinic.zone)
    response = desk.post(
        reverse("admin:booking_appointment_move", args=[visit.pk]),
        {"therapist": dana.pk, "start": night.isoformat()},
        follow=True,
    )
    assert "That time is no longer free." in response.content.decode()
    visit.refresh_from_db()
    assert visit.start == at(monday, "10:00", booking_clinic.zone)


def test_odd_addresses_in_the_admin_never_give_an_error(desk, visit):
    patient_page = desk.get("/admin/booking/patient/not-a-number/change/", follow=True)
    assert patient_page.status_code == 200
    assert "doesn’t exist" in patient_page.content.decode()
    export = desk.get(
        reverse("admin:booking_appointment_export"), {"nonsense__field": "1"}, follow=True
    )
    assert "Those filters do not fit the list" in export.content.decode()


@pytest.mark.parametrize("first_day", ["9999-12-31", "0001-01-01", "not-a-date"])
def test_any_date_in_the_move_pages_address_gives_the_page_not_an_error(desk, visit, first_day):
    response = desk.get(
        reverse("admin:booking_appointment_move", args=[visit.pk]), {"from": first_day}
    )
    assert response.status_code == 200
    assert f"Move {visit.reference}" in response.content.decode()


@pytest.mark.parametrize("others", [1, 12])
def test_the_move_pages_read_a_fixed_number_of_queries_whatever_the_week_holds(
    desk, visit, massage, dana, marcus, monday, booking_clinic, patient, others,
    django_assert_num_queries,
):  # fmt: skip
    for n in range(others):
        day = monday + datetime.timedelta(days=1 + n % 4)
        clock = ("09:00", "13:00", "15:00")[n // 4]
        services.request_appointment(
            service=massage, therapist=marcus, start=at(day, clock, booking_clinic.zone), patient=patient
        )  # fmt: skip
    url = reverse("admin:booking_appointment_move", args=[visit.pk])
    new_start = at(monday + datetime.timedelta(days=1), "10:00", booking_clinic.zone)
    desk.get(url)  # the session and the clinic's cache, as on any page after the first
    with django_assert_num_queries(QUERIES_TO_LIST):
        assert desk.get(url).status_code == 200
    with django_assert_num_queries(QUERIES_TO_ASK):
        asked = desk.get(url, {"therapist": dana.pk, "start": new_start.isoformat()})
        assert "Yes, move it" in asked.content.decode()
