"""The calendar grid, shaped without a request."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Appointment
from booking.rules import schedule, services
from tests.booking.conftest import at
from tests.factories import ClosureFactory, TimeOffFactory

pytestmark = pytest.mark.django_db


def column_cells(grid, therapist, day):
    column = next(c for c in grid.columns if c.therapist == therapist and c.day == day)
    return dict(zip(grid.times, column.cells, strict=True))


def test_an_appointment_spans_its_visit_and_buffer_and_hides_the_rows_it_covers(
    dana, massage, monday, booking_clinic, patient
):
    booked = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    grid = schedule.build_grid(
        clinic=booking_clinic, days=[monday], therapists=[dana], now=timezone.now()
    )
    cells = column_cells(grid, dana, monday)
    block = cells[datetime.time(10)]
    assert block.kind == "appointment"
    assert block.appointments == [booked]
    assert block.rowspan == 5  # 60 minutes + 15 minutes' turnover, at 15-minute rows
    assert [cells[datetime.time(10, m)] for m in (15, 30, 45)] == [None] * 3
    assert cells[datetime.time(11)] is None
    assert cells[datetime.time(11, 15)].kind == "free"
    assert cells[datetime.time(12, 15)].kind == "off"  # Dana's lunch break
    assert cells[datetime.time(9)].start == at(monday, "09:00", booking_clinic.zone)


def test_time_off_closures_and_the_past_are_shown_as_such(dana, marcus, monday, booking_clinic):
    TimeOffFactory(
        therapist=dana,
        start=at(monday, "13:00", booking_clinic.zone),
        end=at(monday, "15:00", booking_clinic.zone),
    )
    tuesday = monday + datetime.timedelta(days=1)
    ClosureFactory(name="Staff training", start_date=tuesday, end_date=tuesday)
    grid = schedule.build_grid(
        clinic=booking_clinic,
        days=[monday, tuesday],
        therapists=[dana],
        now=at(monday, "11:00", booking_clinic.zone),
    )
    monday_cells = column_cells(grid, dana, monday)
    assert monday_cells[datetime.time(10)].kind == "past"
    assert monday_cells[datetime.time(11)].kind == "free"
    assert monday_cells[datetime.time(14)].kind == "timeoff"
    tuesday_cells = column_cells(grid, dana, tuesday)
    assert {cell.kind for cell in tuesday_cells.values()} == {"closed"}
    assert tuesday_cells[datetime.time(10)].note == "Staff training"


def test_cancelled_visits_are_hidden_unless_asked_for_and_then_share_the_block(
    dana, massage, monday, booking_clinic, patient
):
    start = at(monday, "10:00", booking_clinic.zone)
    first = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.cancel_appointment(appointment=first, by=None)
    second = services.request_appointment(
        service=massage, therapist=dana, start=start + datetime.timedelta(minutes=30), patient=patient
    )  # fmt: skip
    args = {"clinic": booking_clinic, "days": [monday], "therapists": [dana], "now": start}
    shown = column_cells(schedule.build_grid(**args), dana, monday)
    assert shown[datetime.time(10)].kind == "free"
    assert shown[datetime.time(10, 30)].appointments == [second]
    everything = column_cells(schedule.build_grid(**args, show_inactive=True), dana, monday)
    block = everything[datetime.time(10)]
    assert block.appointments == [first, second]
    assert block.rowspan == 7  # from 10:00 until the second one's turnover ends at 11:45
    assert Appointment.objects.get(pk=first.pk).status == "cancelled"


def test_a_week_is_seven_columns_from_monday(dana, booking_clinic, monday):
    wednesday = monday + datetime.timedelta(days=2)
    assert schedule.week_of(wednesday)[0] == monday
    assert len(schedule.week_of(wednesday)) == 7


def test_a_typed_day_is_kept_within_reach_of_today():
    today = datetime.date(2026, 11, 25)
    assert schedule.read_day("2026-12-01", today=today) == datetime.date(2026, 12, 1)
    assert schedule.read_day("9999-12-31", today=today) == today + schedule.REACH
    assert schedule.read_day("0001-01-01", today=today) == today - schedule.REACH
    assert schedule.read_day("2026-02-31", today=today) == today
