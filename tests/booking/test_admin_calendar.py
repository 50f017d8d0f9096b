"""The front desk's calendar and the dashboard on the admin's front page."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment
from booking.rules import services
from emails.models import Email
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import (
    ClosureFactory,
    TherapistFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)
from tests.html import tags

pytestmark = pytest.mark.django_db

CALENDAR = reverse("admin:booking_appointment_calendar")


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def dana_signed_in(client, dana):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    return client


@pytest.fixture
def booked(massage, dana, marcus, monday, booking_clinic, patient):
    zone = booking_clinic.zone
    return [
        services.request_appointment(service=massage, therapist=dana, start=at(monday, "10:00", zone), patient=patient),
        services.request_appointment(service=massage, therapist=marcus, start=at(monday, "11:00", zone), patient=patient),
    ]  # fmt: skip


def column_headings(response):
    page = response.content.decode()
    table = page[page.index('<table class="calendar-grid') :]
    header = table[: table.index("</thead>")]
    return [h.split("<")[0].strip() for h in header.split('<th scope="col">')[2:]]


def test_the_front_desk_sees_a_column_per_working_therapist(desk, booked, monday):
    response = desk.get(CALENDAR, {"date": monday.isoformat()})
    assert column_headings(response) == ["Dana Whitfield", "Marcus Oyelaran"]
    page = response.content.decode()
    for appointment in booked:
        assert reverse("admin:booking_appointment_change", args=[appointment.pk]) in page
    assert "Check screening" in page
    assert f"{monday:%A, %B} {monday.day}, {monday.year}" in page


def test_the_therapist_filter_narrows_the_day_to_one_column(desk, booked, monday, marcus):
    response = desk.get(CALENDAR, {"date": monday.isoformat(), "therapist": marcus.pk})
    assert column_headings(response) == ["Marcus Oyelaran"]


def test_a_therapist_sees_only_her_own_column_whatever_she_asks_for(
    dana_signed_in, booked, monday, marcus
):
    response = dana_signed_in.get(CALENDAR, {"date": monday.isoformat(), "therapist": marcus.pk})
    assert column_headings(response) == ["Dana Whitfield"]
    page = response.content.decode()
    assert reverse("admin:booking_appointment_change", args=[booked[1].pk]) not in page


def test_an_account_linked_to_no_therapist_sees_no_calendar(client, booked, monday):
    sign_in_as(client, "Therapists", username="newhire")
    page = client.get(CALENDAR, {"date": monday.isoformat()}).content.decode()
    assert "calendar-grid" not in page
    assert "There is no calendar to show for this account" in page


def test_the_week_view_of_one_therapist_shows_seven_days(desk, booked, monday, dana):
    response = desk.get(
        CALENDAR, {"date": monday.isoformat(), "view": "week", "therapist": dana.pk}
    )
    headings = column_headings(response)
    assert len(headings) == 7
    assert headings[0] == f"{monday:%a} {monday.day} {monday:%b}"


def test_free_times_link_to_booking_a_caller_there(desk, booked, monday, dana, booking_clinic):
    page = desk.get(CALENDAR, {"date": monday.isoformat()}).content.decode()
    links = [
        parse_qs(urlsplit(a["href"]).query)
        for _, a in tags(page, "a")
        if "book-link" in a.get("class", "")
    ]
    offered = {
        (int(q["therapist"][0]), datetime.datetime.fromisoformat(q["start"][0])) for q in links
    }
    assert (dana.pk, at(monday, "11:15", booking_clinic.zone)) in offered
    assert (dana.pk, at(monday, "10:15", booking_clinic.zone)) not in offered  # her turnover


def test_navigation_moves_by_a_day_or_a_week(desk, booked, monday):
    response = desk.get(CALENDAR, {"date": monday.isoformat(), "view": "week"})
    assert response.context["next_url"] == (
        f"?date={(monday + datetime.timedelta(days=7)).isoformat()}&view=week"
    )
    day = desk.get(CALENDAR, {"date": monday.isoformat()})
    assert day.context["previous_url"] == (
        f"?date={(monday - datetime.timedelta(days=1)).isoformat()}&view=day"
    )


def test_a_bad_date_shows_today(desk, booked, booking_clinic):
    response = desk.get(CALENDAR, {"date": "2026-02-31"})
    assert response.context["day"] == timezone.localdate(timezone=booking_clinic.zone)


def _fill_day(massage, monday, zone, per_day, patient):
    """`per_day` active appointments on Monday across as many therapists as needed."""
    made = 0
    while made < per_day:
        therapist = TherapistFactory()
        WorkingHoursFactory(
            therapist=therapist, weekday=0, start_time=datetime.time(7), end_time=datetime.time(21)
        )
        massage.therapists.add(therapist)
        for n in range(9):  # 60 minutes and 15 of turnover fit every 90 minutes from 7:00
            if made == per_day:
                break
            start = at(monday, "07:00", zone) + datetime.timedelta(minutes=90 * n)
            services.request_appointment(service=massage, therapist=therapist, start=start, patient=patient)  # fmt: skip
            made += 1


@pytest.mark.parametrize("url_name", ["calendar", "dashboard"])
def test_calendar_and_dashboard_queries_do_not_grow_with_the_day(
    desk, front_desk_user, massage, monday, booking_clinic, patient, url_name
):
    url = CALENDAR if url_name == "calendar" else reverse("admin:index")
    params = {"date": monday.isoformat()} if url_name == "calendar" else {}
    counts = []
    for per_day in (5, 50):
        Appointment.objects.all().delete()
        _fill_day(massage, monday, booking_clinic.zone, per_day, patient)
        with time_machine.travel(at(monday, "08:00", booking_clinic.zone), tick=False):
            desk.force_login(front_desk_user)  # that morning: a sign-in lasts a working day
            with CaptureQueriesContext(connection) as queries:
                response = desk.get(url, params)
        assert response.status_code == 200
        assert response.content.decode().count("Avery Chen") >= per_day
        if url_name == "dashboard":  # all of them counted, though only the first 25 listed
            assert f"Requests waiting for an answer ({per_day})" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_dashboard_lists_what_needs_doing_oldest_request_first(
    desk, booked, monday, booking_clinic, massage
):
    five_hours_ago = timezone.now() - datetime.timedelta(hours=5)
    Appointment.objects.filter(pk=booked[1].pk).update(
        created_at=five_hours_ago, requested_at=five_hours_ago
    )
    Email.objects.create(
        kind="confirmed", status=Email.Status.FAILED, recipient_key="k", about=f"appointment:{booked[0].pk}",
        attempts=8, finished_at=timezone.now(),
    )  # fmt: skip
    board = desk.get(reverse("admin:index")).context["dashboard"]
    assert [item.appointment for item in board.waiting] == [booked[1], booked[0]]
    assert board.waiting[0].waited >= datetime.timedelta(hours=5)
    assert (
        board.waiting[0].expires_at == booked[1].start
        or board.waiting[0].expires_at < booked[1].start
    )
    assert board.to_review == booked  # both answered a screening question
    assert board.undelivered[0][:2] == (booked[0], "confirmed")
    page = desk.get(reverse("admin:index")).content.decode()
    assert "Requests waiting for an answer (2)" in page
    assert "5 hours" in page
    assert "Emails that could not be delivered" in page
    assert "“confirmed” email" in page


def test_a_therapist_dashboard_shows_only_her_patients(dana_signed_in, booked):
    board = dana_signed_in.get(reverse("admin:index")).context["dashboard"]
    assert [item.appointment for item in board.waiting] == [booked[0]]


@pytest.mark.parametrize(
    "params", [{"date": "9999-12-31"}, {"date": "0001-01-01", "view": "week"}, {"date": "x"}]
)
def test_any_date_typed_into_the_calendar_gives_a_calendar_not_an_error(desk, booked, params):
    response = desk.get(CALENDAR, params)
    assert response.status_code == 200
    assert "calendar-grid" in response.content.decode()


def test_the_week_without_a_therapist_shows_every_working_therapist(
    desk, booked, monday, dana, marcus, booking_clinic
):
    TherapistFactory(name="Nobody Works")  # active, no hours: not a row
    tuesday = monday + datetime.timedelta(days=1)
    TimeOffFactory(
        therapist=marcus, start=at(tuesday, "00:00", booking_clinic.zone),
        end=at(tuesday, "23:00", booking_clinic.zone), note="Course",
    )  # fmt: skip
    wednesday = monday + datetime.timedelta(days=2)
    ClosureFactory(name="Staff training", start_date=wednesday, end_date=wednesday)
    response = desk.get(CALENDAR, {"date": monday.isoformat(), "view": "week"})
    rows = response.context["week_rows"]
    assert [row.therapist for row in rows] == [dana, marcus]
    dana_monday, marcus_tuesday = rows[0].days[0], rows[1].days[1]
    assert [(s.kind, s.start) for s in dana_monday.spans if s.kind != "free"] == [
        ("appointment", booked[0].start),
        ("break", at(monday, "12:00", booking_clinic.zone)),
    ]
    assert marcus_tuesday.all_time_off == "Course"
    assert rows[0].days[2].closure == "Staff training"
    page = response.content.decode()
    for appointment in booked:
        assert reverse("admin:booking_appointment_change", args=[appointment.pk]) in page
    assert "Time off: Course" in page
    assert "Closed: Staff training" in page
    assert "Break <span" in page


def test_the_clinic_weeks_visits_read_as_words_and_escape_what_was_typed(desk, booked, monday):
    """The week's rows are written in Python (booking/admin/calendar_week.py)."""
    Appointment.objects.filter(pk=booked[0].pk).update(patient_name="Ann <b>Bold</b> & Co")
    page = desk.get(CALENDAR, {"date": monday.isoformat(), "view": "week"}).content.decode()
    week = page.split('<table class="calendar-grid calendar-clinic-week', 1)[1]
    assert "<b>" not in week
    visit = next(li for li in re.findall(r'<li class="week-visit.*?</li>', week) if "Ann" in li)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", visit)).split())
    assert words == "10:00–11:00 AM Ann <b>Bold</b> & Co, Requested"


def page_at(client, user, instant, params):
    """The calendar as the desk sees it at `instant` (signed in that morning)."""
    with time_machine.travel(instant, tick=False):
        client.force_login(user)
        response = client.get(CALENDAR, params)
    assert response.status_code == 200
    return response


def book_links(page):
    return [a for _, a in tags(page, "a") if "book-link" in a.get("class", "")]


def test_free_times_inside_the_notice_say_so_and_link_outside_the_rules(
    desk, front_desk_user, booked, monday, dana, booking_clinic
):
    params = {"date": monday.isoformat(), "therapist": dana.pk}
    instant = at(monday, "08:50", booking_clinic.zone)
    page = page_at(desk, front_desk_user, instant, params).content.decode()
    by_start = {}
    for link in book_links(page):
        query = parse_qs(urlsplit(link["href"]).query)
        by_start[datetime.datetime.fromisoformat(query["start"][0])] = query
    inside_notice = at(monday, "09:00", booking_clinic.zone)  # 2 hours' notice ends at 10:50
    after_notice = at(monday, "14:00", booking_clinic.zone)
    past_hours = at(monday, "16:30", booking_clinic.zone)  # 60 minutes do not fit before 17:00
    assert by_start[inside_notice]["outside_rules"] == ["1"]
    assert "outside_rules" not in by_start[after_notice]
    assert by_start[past_hours]["outside_rules"] == ["1"]
    assert "short notice</span>" in page
    assert "runs past working hours</span>" in page


def test_book_links_name_the_therapist_day_and_time_to_a_screen_reader(
    desk, front_desk_user, booked, monday, dana, booking_clinic
):
    params = {"date": monday.isoformat(), "therapist": dana.pk}
    instant = at(monday, "07:00", booking_clinic.zone)
    page = page_at(desk, front_desk_user, instant, params).content.decode()
    zone = at(monday, "14:00", booking_clinic.zone).tzname()
    words = f"Book<span class=\"visually-hidden\"> Dana Whitfield on {monday:%A, %B} {monday.day} at 2:00 PM {zone}</span>"  # fmt: skip
    assert words in page


def test_the_day_has_a_skip_link_to_each_therapists_first_free_time(
    desk, front_desk_user, booked, monday, dana, marcus, booking_clinic
):
    instant = at(monday, "07:00", booking_clinic.zone)
    page = page_at(desk, front_desk_user, instant, {"date": monday.isoformat()}).content.decode()
    skips = [a for _, a in tags(page, "a") if "calendar-skip-link" in a.get("class", "")]
    assert [a["href"] for a in skips] == [
        f"#first-free-{dana.pk}-{monday:%Y%m%d}", f"#first-free-{marcus.pk}-{monday:%Y%m%d}"
    ]  # fmt: skip
    first = next(a for a in book_links(page) if a.get("id") == skips[0]["href"][1:])
    start = parse_qs(urlsplit(first["href"]).query)["start"][0]
    assert datetime.datetime.fromisoformat(start) == at(monday, "09:00", booking_clinic.zone)
    assert page.index("calendar-skip-link") < page.index('id="header"')


def test_the_clinic_week_queries_do_not_grow_with_the_week(
    desk, front_desk_user, massage, monday, booking_clinic, patient
):
    counts = []
    for per_day in (5, 50):
        Appointment.objects.all().delete()
        _fill_day(massage, monday, booking_clinic.zone, per_day, patient)
        with time_machine.travel(at(monday, "08:00", booking_clinic.zone), tick=False):
            desk.force_login(front_desk_user)
            with CaptureQueriesContext(connection) as queries:
                response = desk.get(CALENDAR, {"date": monday.isoformat(), "view": "week"})
        assert response.status_code == 200
        assert response.content.decode().count("Avery Chen") >= per_day
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_therapist_who_cannot_book_gets_no_skip_links_to_book_links_she_lacks(
    dana_signed_in, booked, monday
):
    page = dana_signed_in.get(CALENDAR, {"date": monday.isoformat()}).content.decode()
    assert "calendar-skip-link" not in page
    assert "book-link" not in page


def test_a_free_times_book_link_names_it_and_escapes_what_staff_typed(desk, dana, monday):
    """Free cells are written in Python (booking/admin/calendar.free_cell_html): their link
    reads as the template's did, and a name with markup in it stays text."""
    dana.name = 'Dana <b>"Whitfield"</b>'
    dana.save()
    response = desk.get(CALENDAR, {"date": monday.isoformat()})
    page = response.content.decode()
    assert "<b>" not in page.split('<table class="calendar-grid', 1)[1]
    assert (
        'Book<span class="visually-hidden"> Dana &lt;b&gt;&quot;Whitfield&quot;&lt;/b&gt; on '
        f"{monday:%A, %B} {monday.day} at 9:00 AM E" in page
    )


def test_a_visits_block_reads_as_words_and_escapes_what_was_typed(desk, booked, monday, dana):
    """Visits' cells are written in Python (booking/admin/markup.appointment_cell_html): the
    block's link reads time, patient, service and status as separate words, and a name with
    markup in it stays text, in the block and in its buttons."""
    Appointment.objects.filter(pk=booked[0].pk).update(patient_name='Ann <b>"Bold"</b> & Co')
    page = desk.get(CALENDAR, {"date": monday.isoformat()}).content.decode()
    grid = page.split('<table class="calendar-grid', 1)[1]
    assert "<b>" not in grid
    anchor = next(a for a in re.findall(r'<a class="block-link"[^>]*>.*?</a>', grid) if "Ann" in a)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", anchor)).split())
    assert words == (
        '10:00–11:00 AM Ann <b>"Bold"</b> & Co Deep tissue massage Check screening Requested'
        " +15 min turnover"
    )
    assert grid.count("Ann &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co") >= 2  # block, button
