"""The month in numbers (booking/month_report.py, booking/admin/month_report.py): a month of
known visits in March 2026 (clocks change on the 8th) beside February, counted in the test."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import EDITORS, FRONT_DESK, OWNER, THERAPISTS
from booking import month_report
from booking.models import Appointment, AppointmentEvent, Patient
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import ClosureFactory, ServiceFactory, TimeOffFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:booking_appointment_month")
CSV_URL = reverse("admin:booking_appointment_month_csv")
MARCH = datetime.date(2026, 3, 1)
Status = Appointment.Status
Action = AppointmentEvent.Action
MINUTES = datetime.timedelta(minutes=1)


@pytest.fixture
def assessment(dana, marcus):
    return ServiceFactory(
        name="Initial assessment", slug="initial-assessment", duration_minutes=90,
        buffer_minutes=15, therapists=[dana, marcus],
    )  # fmt: skip


@pytest.fixture
def frozen(booking_clinic):
    """Mid-March 2026, in the clinic's zone."""
    with time_machine.travel(
        at(datetime.date(2026, 3, 16), "10:00", booking_clinic.zone), tick=False
    ):
        yield


def visit(service, therapist, start, status, patient, *, events=()):
    """A visit as it stands after its life, with its events: (action, at, by_patient)."""
    appointment = Appointment.objects.create(
        service=service, therapist=therapist, patient=patient, start=start,
        end=start + datetime.timedelta(minutes=service.duration_minutes),
        hold_until=start + datetime.timedelta(
            minutes=service.duration_minutes + service.buffer_minutes
        ),
        status=status, patient_name=patient.name, patient_phone="+14165550101",
    )  # fmt: skip
    for action, when, by_patient in events:
        AppointmentEvent.objects.create(
            appointment=appointment, action=action, at=when, by_patient=by_patient
        )
    return appointment


def asked_and_answered(start, wait_minutes, answer=Action.CONFIRMED):
    asked = start - datetime.timedelta(days=5)
    return [(Action.REQUESTED, asked, True), (answer, asked + wait_minutes * MINUTES, False)]


@pytest.fixture
def march(booking_clinic, dana, marcus, massage, assessment):
    """The known month. Dana works 9–12 and 13–17 (7 h), Marcus 9–17 (8 h), Monday to Friday:
    March 2026 has 22 weekdays; the clinic closes on Friday the 20th; Dana is away on the 10th
    from 11:00 to 14:00 (2 of her working hours)."""
    zone = booking_clinic.zone
    ClosureFactory(name="Spring day", start_date=datetime.date(2026, 3, 20),
                   end_date=datetime.date(2026, 3, 20))  # fmt: skip
    TimeOffFactory(therapist=dana, start=at(datetime.date(2026, 3, 10), "11:00", zone),
                   end=at(datetime.date(2026, 3, 10), "14:00", zone), note="Dentist")  # fmt: skip
    ann, ben, cleo, dev, eve = (
        Patient.objects.create(name=name, phone="+14165550101")
        for name in ("Ann", "Ben", "Cleo", "Dev", "Eve")
    )

    def day(n, clock, month=3):
        return at(datetime.date(2026, month, n), clock, zone)

    # February: Ben's first visit, late on the 28th in clinic time (already March in UTC).
    visit(massage, dana, day(28, "22:30", month=2), Status.COMPLETED, ben)
    visit(massage, dana, day(16, "10:00", month=2), Status.EXPIRED, eve,
          events=[(Action.REQUESTED, day(10, "09:00", month=2), True)])  # fmt: skip
    # March.
    visit(
        massage,
        dana,
        day(2, "09:00"),
        Status.COMPLETED,
        ann,
        events=asked_and_answered(day(2, "09:00"), 10),
    )  # new
    visit(
        massage,
        dana,
        day(4, "09:00"),
        Status.COMPLETED,
        ann,
        events=asked_and_answered(day(4, "09:00"), 30),
    )  # Ann, still new this month
    visit(massage, dana, day(5, "13:00"), Status.COMPLETED, ben)  # returning
    visit(
        assessment,
        marcus,
        day(3, "09:00"),
        Status.COMPLETED,
        cleo,
        events=asked_and_answered(day(3, "09:00"), 120),
    )  # new
    # Late on the 31st in clinic time (April in UTC): March's.
    visit(assessment, marcus, day(31, "22:30"), Status.COMPLETED, cleo)
    visit(massage, marcus, day(6, "09:00"), Status.NO_SHOW, dev)
    visit(massage, dana, day(25, "09:00"), Status.CONFIRMED, eve)
    visit(
        massage,
        dana,
        day(11, "09:00"),
        Status.CANCELLED,
        dev,
        events=[(Action.CANCELLED, day(11, "07:00"), True)],
    )  # late, by the patient
    visit(
        massage,
        dana,
        day(12, "09:00"),
        Status.CANCELLED,
        dev,
        events=[(Action.CANCELLED, day(9, "09:00"), True)],
    )  # in good time
    visit(
        massage,
        marcus,
        day(12, "09:00"),
        Status.CANCELLED,
        eve,
        events=[(Action.CANCELLED, day(12, "08:00"), False)],
    )  # by the clinic
    visit(
        massage,
        marcus,
        day(13, "09:00"),
        Status.DECLINED,
        eve,
        events=asked_and_answered(day(13, "09:00"), 50, Action.DECLINED),
    )
    visit(massage, marcus, day(17, "09:00"), Status.EXPIRED, eve)
    visit(massage, marcus, day(18, "09:00"), Status.EXPIRED, eve)
    # April: not this report's.
    visit(massage, dana, day(1, "09:00", month=4), Status.CONFIRMED, eve)


@pytest.fixture
def desk(client, db):
    sign_in_as(client, FRONT_DESK, username="desk-report")
    return client


def test_the_month_s_figures_match_the_visits_planted(march, frozen, dana, marcus, booking_clinic):
    owner = UserFactory(username="owner-report")
    owner.groups.add(Group.objects.get(name=OWNER))
    report = month_report.build(user=owner, clinic=booking_clinic, first_day=MARCH)
    month, february = report.month, report.previous
    by_name = {row.name: row for row in month.therapists}
    hour = datetime.timedelta(hours=1)

    assert (by_name[dana.name].completed, by_name[marcus.name].completed) == (3, 2)
    assert month.services == {"Deep tissue massage": 3, "Initial assessment": 2}
    # Held time (visit and buffer) of visits that happened or are booked: Dana's three completed
    # and one confirmed massages (75 min); Marcus's two assessments (105 min) and a no-show.
    assert by_name[dana.name].booked == 4 * 75 * MINUTES
    assert by_name[marcus.name].booked == (2 * 105 + 75) * MINUTES
    # 22 weekdays less the closure; Dana less her 2 hours off.
    assert by_name[dana.name].worked == (21 * 7 - 2) * hour
    assert by_name[marcus.name].worked == 21 * 8 * hour
    assert by_name[dana.name].utilisation == round(100 * 300 / (145 * 60))
    assert month.no_shows == 1
    assert month.late_cancellations == 1
    assert (month.new_patients, month.returning_patients) == (2, 1)  # Ann and Cleo; Ben
    assert (month.declined, month.expired) == (1, 2)
    # Waits of 10, 30, 50 and 120 minutes: median 40, 90th percentile (nearest rank) 120.
    assert month.answered == 4
    assert month.wait_median == 40 * MINUTES
    assert month.wait_p90 == 120 * MINUTES

    assert february.completed == 1
    assert (february.new_patients, february.returning_patients) == (1, 0)
    assert (february.expired, february.answered, february.wait_median) == (1, 0, None)
    # February 2026: 20 weekdays, no closure.
    assert february.worked == 20 * (7 + 8) * hour


def test_the_front_desk_reads_the_report_with_a_chart_and_a_table(desk, march, frozen):
    response = desk.get(URL, {"month": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The month in numbers: March 2026" in page
    assert "February 2026" in page
    assert '<svg class="month-report-chart"' in page
    assert "<title" in page
    assert 'data-figure="completed">5<' in page
    assert 'data-figure="late-cancellations">1<' in page
    assert 'data-figure="wait-median">40 min<' in page
    assert 'data-figure="wait-p90">2 h 00 min<' in page
    assert "style=" not in page.split('id="content-main"')[1]
    assert "<script" not in page.split('id="content-main"')[1]


@pytest.mark.parametrize("role", [THERAPISTS, EDITORS])
def test_therapists_and_editors_may_not_read_it(client, march, frozen, dana, role):
    sign_in_as(client, role, username="not-desk", therapist=dana if role == THERAPISTS else None)
    assert client.get(URL, {"month": "2026-03"}).status_code == 403
    assert client.get(CSV_URL, {"month": "2026-03"}).status_code == 403


def test_the_nav_links_to_it_for_the_desk_only(client, desk, frozen, dana):
    assert URL in desk.get(reverse("admin:index")).content.decode()
    other = type(client)()
    sign_in_as(other, THERAPISTS, username="dana-user", therapist=dana)
    assert URL not in other.get(reverse("admin:index")).content.decode()


def test_the_csv_holds_the_same_figures(desk, march, frozen):
    response = desk.get(CSV_URL, {"month": "2026-03"})
    assert response.status_code == 200
    assert 'filename="month-2026-03.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["Figure", "Detail", "March 2026", "February 2026"]
    found = {(line[0], line[1]): line[2:] for line in lines[1:]}
    assert found[("Visits completed", "All")] == ["5", "1"]
    assert found[("Visits completed", "Service: Initial assessment")] == ["2", "0"]
    assert found[("Hours worked", "Dana Whitfield")] == ["145.0", "140.0"]
    assert found[("Late cancellations", "All")] == ["1", "0"]
    assert found[("New patients", "All")] == ["2", "1"]
    assert found[("Requests expired", "All")] == ["2", "1"]
    assert found[("Wait for an answer, median (minutes)", "All")] == ["40", ""]


def test_a_name_that_reads_as_a_formula_is_written_as_text(desk, march, frozen, dana):
    dana.name = "=HYPERLINK(1)"
    dana.save()
    text = desk.get(CSV_URL, {"month": "2026-03"}).content.decode()
    assert "'=HYPERLINK(1)" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text


@pytest.mark.parametrize("value", ["", "2026-13", "march", "0001-01", "9999-12", "2026-3-1", "-"])
def test_a_month_it_cannot_read_shows_this_month_with_a_message(desk, frozen, value):
    response = desk.get(URL, {"month": value}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The month in numbers: March 2026" in page
    assert "is not a month" in page
    assert desk.get(CSV_URL, {"month": value}).status_code == 200


def test_without_a_month_it_shows_this_month_quietly(desk, frozen):
    page = desk.get(URL).content.decode()
    assert "The month in numbers: March 2026" in page
    assert "is not a month" not in page


def _fill(count, massage, dana, zone):
    Appointment.objects.filter(start__month=3).delete()
    for n in range(count):
        patient = Patient.objects.create(name=f"Patient {n}", phone="+14165550101")
        start = at(datetime.date(2026, 3, 2 + n % 25), "09:00", zone) + n * MINUTES
        visit(massage, dana, start, Status.COMPLETED if n % 3 else Status.CANCELLED, patient,
              events=[*asked_and_answered(start, n),
                      (Action.CANCELLED, start - datetime.timedelta(hours=1), True)])  # fmt: skip


def test_the_page_s_queries_do_not_grow_with_the_month(desk, frozen, massage, dana, booking_clinic):
    counts = []
    for count in (10, 200):
        _fill(count, massage, dana, booking_clinic.zone)
        with CaptureQueriesContext(connection) as queries:
            response = desk.get(URL, {"month": "2026-03"})
        assert response.status_code == 200
        completed = sum(1 for n in range(count) if n % 3)
        assert f'data-figure="completed">{completed}<' in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
