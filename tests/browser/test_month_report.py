"""The owner reads the month in numbers for the demo month, in Chromium at 1366 px: the figures
on the page are the ones this test counts from the demo's own rows."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from booking.models import Appointment, AppointmentEvent
from clinic.models import Clinic, Closure, Therapist, TimeOff, WorkingHours
from tests.browser.conftest import assert_accessible
from tests.browser.staff import desk_at, docs_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
# A Tuesday early in February 2027: the demo books its visits 2 to 9 days ahead, all in February.
DAY = datetime.date(2027, 2, 2)
FEBRUARY = [DAY.replace(day=n) for n in range(1, 29)]
BOOKED = ["requested", "confirmed", "arrived", "completed", "no_show"]


def counted_in_the_test(zone):
    """The demo month's figures, counted here from the rows, the wall clock never read."""
    start = datetime.datetime.combine(FEBRUARY[0], datetime.time(0), tzinfo=zone)
    end = datetime.datetime.combine(datetime.date(2027, 3, 1), datetime.time(0), tzinfo=zone)
    visits = list(Appointment.objects.filter(start__gte=start, start__lt=end))
    assert visits, "the demo month should have visits"
    assert not TimeOff.objects.exists()  # the demo has none; worked hours below assume it
    closed = {
        day
        for closure in Closure.objects.all()
        for day in FEBRUARY
        if closure.start_date <= day <= closure.end_date
    }
    therapists = set(Therapist.objects.active().values_list("pk", flat=True))
    worked = sum(
        (
            datetime.datetime.combine(day, block.end_time)
            - datetime.datetime.combine(day, block.start_time)
            for block in WorkingHours.objects.filter(therapist_id__in=therapists)
            for day in FEBRUARY
            if day.weekday() == block.weekday and day not in closed
        ),
        datetime.timedelta(0),
    )
    booked = sum(
        (v.hold_until - v.start for v in visits if v.status in BOOKED), datetime.timedelta(0)
    )
    answered = (
        AppointmentEvent.objects.filter(
            appointment__in=visits,
            action__in=[AppointmentEvent.Action.CONFIRMED, AppointmentEvent.Action.DECLINED],
        )
        .values("appointment")
        .distinct()
        .count()
    )
    return {
        "completed": sum(v.status == "completed" for v in visits),
        "booked": booked,
        "worked": worked,
        "utilisation": round(100 * booked / worked),
        "no-shows": sum(v.status == "no_show" for v in visits),
        "declined": sum(v.status == "declined" for v in visits),
        "expired": sum(v.status == "expired" for v in visits),
        "answered": answered,
    }


def hours(duration):
    return f"{round(duration.total_seconds() / 3600, 1)} h"


def test_the_owner_reads_the_demo_month_in_numbers(browser, live_server):
    with desk_at(browser, live_server, DAY, datetime.time(10), username="admin") as page:
        expected = counted_in_the_test(Clinic.objects.current().zone)
        page.get_by_role("navigation", name="Front desk").get_by_role(
            "link", name="The month"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "The month in numbers: February 2027"
        )
        figure = lambda name: page.locator(f'[data-figure="{name}"]')  # noqa: E731
        expect(figure("completed")).to_have_text(str(expected["completed"]))
        expect(figure("booked")).to_have_text(hours(expected["booked"]))
        expect(figure("worked")).to_have_text(hours(expected["worked"]))
        expect(figure("utilisation")).to_have_text(f"{expected['utilisation']} %")
        expect(figure("no-shows")).to_have_text(str(expected["no-shows"]))
        expect(figure("declined")).to_have_text(str(expected["declined"]))
        expect(figure("expired")).to_have_text(str(expected["expired"]))
        expect(page.get_by_role("row", name="Wait for an answer: median")).to_contain_text(
            f"({expected['answered']} answered)"
        )
        chart = page.get_by_role("img", name="Hours worked and booked per therapist")
        expect(chart).to_be_visible()
        assert_accessible(page)
        docs_screenshot(page, "month-report.png")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download these figures (CSV)").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        lines = list(csv.reader(io.StringIO(text)))
        found = {(line[0], line[1]): line[2] for line in lines[1:]}
        assert found[("Visits completed", "All")] == str(expected["completed"])
        assert found[("Hours worked", "All")] == hours(expected["worked"]).removesuffix(" h")

        page.get_by_role("link", name="‹ Previous month").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "The month in numbers: January 2027"
        )
