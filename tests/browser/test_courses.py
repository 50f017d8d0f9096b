"""A course of visits in Chromium at 1366 px on the demo data, as the front desk books it: six
weekly visits from one, one date taken by someone else (its nearest free time accepted), then
moved from the fourth on; each time the patient gets one email with one calendar file.

DOCS_SCREENSHOTS=1 writes docs/course-dates.png and docs/course-move-following.png.
"""

import datetime
from urllib.parse import quote

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from booking.models import Appointment
from booking.rules import availability, courses, services
from clinic.models import Clinic
from tests.browser.conftest import assert_accessible
from tests.browser.staff import desk_at, docs_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = datetime.date(2026, 12, 21)


@pytest.fixture
def desk(browser, live_server):
    with desk_at(browser, live_server, MONDAY, datetime.time(9, 5)) as page:
        yield page


def a_visit_whose_weeks_are_free(clinic):
    """A confirmed demo visit whose five following weeks are free at its time (the demo has
    a winter break: not every visit's are)."""
    coming = Appointment.objects.filter(status="confirmed", start__gt=timezone.now())
    for visit in coming.exclude(patient_email="").order_by("start"):
        if courses.why_no_course(visit):
            continue  # a screening still to review
        wanted = courses.wanted_starts(
            visit.start, every_weeks=1, weekdays=[visit.start.astimezone(clinic.zone).weekday()],
            visits=6, zone=clinic.zone,
        )  # fmt: skip
        plan = courses.plan(
            clinic=clinic, service=visit.service, therapist=visit.therapist, wanted=wanted
        )
        if all(proposal.free for proposal in plan):
            return visit, wanted
    raise AssertionError("no demo visit with five free weeks after it")


def events_in(email):
    [(_name, content, _mimetype)] = email.attachments
    return Calendar.from_ical(content).walk("VEVENT")


def test_a_course_of_six_with_one_clash_is_booked_then_moved_from_the_fourth_on(desk):
    page, clinic = desk, Clinic.objects.current()
    visit, wanted = a_visit_whose_weeks_are_free(clinic)
    # Someone else takes the third week's time (the course's fourth visit) by phone.
    taken = services.book_by_staff(
        appointment=Appointment(
            service=visit.service, therapist=visit.therapist, start=wanted[2],
            patient_name="Sam Other", patient_phone="+14165550999",
        ),
        by=None,
    )  # fmt: skip
    mail.outbox.clear()

    page.goto(f"/admin/booking/appointment/{visit.pk}/change/")
    page.get_by_role("link", name="Book a course…").click()
    expect(page.get_by_label("How often")).to_have_value("1")
    expect(page.get_by_label("Visits in all, this one included")).to_have_value("6")
    assert_accessible(page)
    page.get_by_role("button", name="Check the dates").click()

    rows = page.locator(".course-plan tbody tr")
    expect(rows).to_have_count(5)
    clash = rows.nth(2)
    expect(clash).to_contain_text(f"Not free: {visit.therapist.name} has another visit then.")
    # Not chosen for her: the desk asks the patient, then takes the time offered.
    expect(clash.get_by_role("radio", name="instead")).not_to_be_checked()
    clash.get_by_role("radio", name="instead").check()
    expect(page.locator(".plan-problem")).to_have_count(1)
    assert_accessible(page)
    docs_screenshot(page, "course-dates.png")
    page.get_by_role("button", name="Book the course").click()

    expect(page.locator(".messagelist")).to_contain_text(
        f"Course of 6 visits booked with {visit.therapist.name}."
    )
    expect(page.get_by_role("heading", name="Visit 1 of a course of 6")).to_be_visible()
    assert_accessible(page)
    booked = list(Appointment.objects.filter(course__isnull=False).order_by("start"))
    assert len(booked) == 6
    assert [one.start for one in booked if one.start in wanted] == [*wanted[:2], *wanted[3:]]
    alternative = next(one for one in booked[1:] if one.start not in wanted)
    assert alternative.start != taken.start
    [email] = mail.outbox
    assert email.to == [visit.patient_email]
    assert [event.decoded("dtstart") for event in events_in(email)] == [b.start for b in booked]
    mail.outbox.clear()

    # Move the fourth to another day of its week; the fifth and sixth follow by the same shift.
    fourth, later = booked[3], booked[4:]
    target = _a_free_day_for_all_three(clinic, fourth, later)
    # The visit's page lists the course; the others' dates are links (the fourth is the third).
    page.locator(".course-summary a").nth(2).click()
    expect(page.get_by_role("heading", name="Visit 4 of a course of 6")).to_be_visible()
    page.get_by_role("link", name="Move to another time…").click()
    start = quote(target.isoformat(), safe="")
    page.locator(f'a[href*="therapist={fourth.therapist_id}&"][href*="{start}"]').click()
    page.get_by_role("radio", name="This and the following 2").check()
    expect(page.locator(".course-plan tbody tr")).to_have_count(2)
    assert_accessible(page)
    docs_screenshot(page, "course-move-following.png")
    page.get_by_role("button", name="Yes, move it").click()

    expect(page.locator(".messagelist")).to_contain_text("3 visits moved")
    # Each as many days on as the fourth, at the fourth's new clock time.
    zone = clinic.zone
    days = target.astimezone(zone).date() - fourth.start.astimezone(zone).date()
    expected = [
        datetime.datetime.combine(
            one.start.astimezone(zone).date() + days, target.astimezone(zone).time(), zone
        )
        for one in booked[3:]
    ]
    after = {one.pk: one.start for one in Appointment.objects.filter(course=fourth.course)}
    assert [after[one.pk] for one in booked[:3]] == [one.start for one in booked[:3]]
    assert [after[one.pk] for one in booked[3:]] == expected
    [email] = mail.outbox
    assert "have moved" in email.subject
    assert [event.decoded("dtstart") for event in events_in(email)] == expected


def _a_free_day_for_all_three(clinic, fourth, later):
    """A free time of the fourth's therapist on another day of its week, where the fifth and
    sixth are free too after the same shift."""
    day = fourth.start.astimezone(clinic.zone).date()
    monday = day - datetime.timedelta(days=day.weekday())
    for slot in availability.free_slots(
        clinic=clinic, service=fourth.service, therapists=[fourth.therapist],
        start_date=monday, end_date=monday + datetime.timedelta(days=6),
        ignore_appointment_id=fourth.pk,
    ):  # fmt: skip
        if slot.start.astimezone(clinic.zone).date() == day:
            continue
        wanted = courses.shifted_starts(
            later, moved_from=fourth.start, moved_to=slot.start, zone=clinic.zone
        )
        plan = courses.plan(
            clinic=clinic, service=fourth.service, therapist=fourth.therapist,
            wanted=[slot.start, *wanted], moving=[fourth, *later],
        )  # fmt: skip
        if all(proposal.free for proposal in plan):
            return slot.start
    raise AssertionError("no free day in the fourth visit's week")
