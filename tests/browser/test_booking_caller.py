"""Booking a caller and moving a visit, in Chromium at 1366 px on the demo data, as the front
desk does them, with the clicks counted against issue 19's bars. Time is frozen on a Monday
morning (the week of the demo's winter break, as in test_calendar_week.py).

DOCS_SCREENSHOTS=1 writes docs/booking-add-form.png, docs/booking-add-form-short-notice.png,
docs/booking-move-week.png and docs/booking-move-confirm.png.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from booking.models import Appointment
from booking.rules import availability, services
from clinic.models import Clinic, Therapist
from tests.browser.conftest import assert_accessible
from tests.browser.staff import Clicks, desk_at, docs_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = datetime.date(2026, 12, 21)
CALENDAR = "/admin/booking/appointment/calendar/"
MAX_CLICKS_TO_BOOK = 5  # issue 19: an existing caller, a named therapist, day and time
MAX_CLICKS_TO_MOVE = 4  # issue 19: to another day, with a confirmation


@pytest.fixture
def desk(browser, live_server):
    with desk_at(browser, live_server, MONDAY, datetime.time(9, 5)) as page:
        yield page


def book_link(page, therapist, start):
    """The calendar's Book link for this therapist and instant, found by what its address says."""
    links = page.locator(f'a.book-link[href*="therapist={therapist.pk}&"]')
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for index, href in enumerate(hrefs):
        query = parse_qs(urlsplit(href).query)
        if datetime.datetime.fromisoformat(query["start"][0]) == start:
            return links.nth(index)
    raise AssertionError(f"no Book link for {therapist} at {start}")


def test_an_existing_caller_is_booked_from_the_dashboard_in_a_few_clicks(desk):
    page, counted = desk, Clicks()
    zone = Clinic.objects.current().zone
    seen = Appointment.objects.filter(status="confirmed").order_by("start").first()
    record, therapist = seen.patient, seen.therapist
    # A time after her confirmed visit that the public could book too: no rule in the way.
    first_day = seen.start.astimezone(zone).date() + datetime.timedelta(days=1)
    slot = availability.free_slots(
        clinic=Clinic.objects.current(), service=seen.service, therapists=[therapist],
        start_date=first_day, end_date=first_day + datetime.timedelta(days=14),
    )[0]  # fmt: skip
    day = slot.start.astimezone(zone).date()
    enter_keys = 0  # each typed field ends with Enter: counted and reported beside the clicks
    page.goto("/admin/")  # the desk's day starts on the dashboard
    assert_accessible(page)
    counted(page.get_by_role("navigation", name="Front desk").get_by_role("link", name="Calendar"))
    date = page.get_by_label("Date", exact=True)
    counted(date)
    date.fill(day.isoformat())  # the date typed (or picked) in Chromium's date box
    counted.fields += 1
    date.press("Enter")
    enter_keys += 1
    page.wait_for_url(f"**date={day.isoformat()}**")
    assert_accessible(page)
    at_calendar = counted.count

    counted(book_link(page, therapist, slot.start))
    page.wait_for_url("**/appointment/add/**")
    expect(page.get_by_label("Therapist")).to_have_value(str(therapist.pk))
    expect(page.locator(".rule-notice")).to_have_count(0)
    expect(page.get_by_label("Book outside the usual rules")).not_to_be_checked()
    expect(page.locator("input[name=is_new_patient]:checked")).to_have_count(0)  # never a default
    assert_accessible(page)

    counted(page.locator(".field-patient .select2-selection"))
    counted.type(page, record.name.split()[0])
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(record.name)
    page.keyboard.press("Enter")
    enter_keys += 1
    expect(page.get_by_label("Patient name")).to_have_value(record.name)
    expect(page.get_by_label("Patient email")).to_have_value(record.email)
    expect(page.get_by_label("Patient phone")).to_have_value(record.phone)
    expect(page.get_by_label("Returning: has been here")).to_be_checked()
    expect(page.get_by_role("status")).to_contain_text("a returning patient")
    service = page.get_by_label("Service")
    if not service.input_value():  # her last service, when this therapist gives it
        counted.count += 1
        service.select_option(str(seen.service_id))
    expect(service.locator("option:checked")).to_have_text(
        f"{seen.service.name} — {seen.service.duration_minutes} min"
    )
    assert_accessible(page)
    docs_screenshot(page, "booking-add-form.png")

    counted(page.get_by_role("button", name="Save", exact=True))
    expect(page.locator(".messagelist")).to_contain_text(record.name)
    assert_accessible(page)
    booked = Appointment.objects.get(patient=record, start=slot.start)
    assert (booked.therapist, booked.status, booked.is_new_patient) == (
        therapist,
        "confirmed",
        False,
    )
    print(
        f"\nbook an existing caller from the dashboard: {counted.count} clicks, "
        f"{counted.fields} fields typed (the day, the name), {enter_keys} Enter; "
        f"{counted.count - at_calendar} clicks of them from the calendar at that day"
    )
    assert counted.count <= MAX_CLICKS_TO_BOOK
    assert counted.fields <= 2


def test_a_short_notice_time_opens_with_the_rule_named_and_the_choice_ready(desk):
    page = desk
    dana = Therapist.objects.get(name="Dana Whitfield")
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}")
    page.locator(f'.cell-outside-rules a.book-link[href*="therapist={dana.pk}&"]').first.click()
    page.wait_for_url("**/appointment/add/**")
    notice = page.locator(".rule-notice")
    expect(notice).to_contain_text("Patients could not book this time online")
    expect(notice).to_contain_text("hours' notice patients must give")
    expect(page.get_by_label("Book outside the usual rules")).to_be_checked()
    services = page.get_by_label("Service").locator("option")
    offered = {f"{s.name} — {s.duration_minutes} min" for s in dana.services.all()}
    assert set(services.all_inner_texts()) == offered | {"Choose a service"}
    assert_accessible(page)
    # Another therapist: the list follows her at once, before any Save.
    other = Therapist.objects.active().exclude(services__in=dana.services.all()).first() or (
        Therapist.objects.active().exclude(pk=dana.pk).first()
    )
    page.get_by_label("Therapist").select_option(str(other.pk))
    theirs = {f"{s.name} — {s.duration_minutes} min" for s in other.services.all()}
    expect(services).to_have_count(len(theirs) + 1)
    assert set(services.all_inner_texts()) == theirs | {"Choose a service"}
    page.get_by_label("Therapist").select_option(str(dana.pk))
    expect(services).to_have_count(len(offered) + 1)
    docs_screenshot(page, "booking-add-form-short-notice.png")

    # Someone new on the phone: the desk says so (nothing is ticked for them).
    page.get_by_label("Service").select_option(index=1)
    page.get_by_label("Patient name").fill("Casey Caller")
    page.get_by_label("Patient phone").fill("416-555-0177")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("has been here before")
    assert_accessible(page)
    page.get_by_label("New: a first visit here").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Casey Caller")
    assert_accessible(page)
    caller = Appointment.objects.get(patient_name="Casey Caller")
    assert (caller.status, caller.is_new_patient, caller.therapist) == ("confirmed", True, dana)


def test_a_visit_moves_to_another_day_with_one_question_and_the_email_says_from_and_to(desk):
    page, counted = desk, Clicks()
    zone = Clinic.objects.current().zone
    # The demo's visits start on Wednesday: a patient booked for this afternoon calls to move.
    dana = Therapist.objects.get(name="Dana Whitfield")
    visit = services.book_by_staff(
        appointment=Appointment(
            service=dana.services.order_by("duration_minutes").first(), therapist=dana,
            start=datetime.datetime.combine(MONDAY, datetime.time(15), tzinfo=zone),
            patient_name="Morgan Lee", patient_phone="+14165550177",
            patient_email="morgan@example.com",
        ),
        by=None,
    )  # fmt: skip
    mail.outbox.clear()
    own_day = visit.start.astimezone(zone).date()
    page.goto("/admin/")  # from the dashboard's day sheet
    assert_accessible(page)

    counted(page.locator(".day-sheet").get_by_role("link", name=visit.patient_name))
    expect(page.get_by_role("heading", name=re.compile(visit.reference))).to_be_visible()
    assert_accessible(page)
    counted(page.get_by_role("link", name="Move to another time…"))
    own_heading = f"{own_day:%A, %B} {own_day.day}"
    expect(page.locator(".move-day h2").first).to_be_visible()
    headings = page.locator(".move-day h2").all_inner_texts()
    # It opens at the visit's own week (today's times are all inside the notice patients give).
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert headings[0] == f"{tuesday:%A, %B} {tuesday.day}"
    expect(page.get_by_label("Go to the week of")).to_have_attribute("type", "date")
    assert_accessible(page)
    docs_screenshot(page, "booking-move-week.png")

    other_day = page.locator(".move-day").filter(has_not_text=own_heading).first
    new_day = other_day.locator("h2").inner_text()
    target = other_day.locator(".move-times a").first
    new_clock = target.inner_text().split("\n")[0].strip()
    counted(target)
    change = page.locator(".move-change")
    expect(change).to_contain_text(f"From {own_heading}")
    expect(change.locator("dd").nth(1)).to_contain_text(new_day)
    expect(change.locator("dd").nth(1)).to_contain_text(new_clock)
    assert_accessible(page)
    docs_screenshot(page, "booking-move-confirm.png")
    visit.refresh_from_db()
    assert visit.start.astimezone(zone).date() == own_day  # asking changed nothing

    counted(page.get_by_role("button", name="Yes, move it"))
    expect(page.locator(".messagelist")).to_contain_text("moved from")
    assert_accessible(page)
    visit.refresh_from_db()
    assert visit.start.astimezone(zone).date() != own_day
    [email] = [m for m in mail.outbox if m.to == [visit.patient_email]]
    assert f"has moved from {own_heading}" in email.body
    assert f"{new_day}, {visit.start.year}, {new_clock}" in email.body
    print(f"\nmove a visit to another day from the dashboard: {counted.count} clicks")
    assert counted.count <= MAX_CLICKS_TO_MOVE


def test_the_move_pages_date_picker_jumps_to_any_week(desk):
    page = desk
    visit = Appointment.objects.filter(status="confirmed").order_by("start").first()
    page.goto(f"/admin/booking/appointment/{visit.pk}/move/")
    later = MONDAY + datetime.timedelta(weeks=4, days=2)
    page.get_by_label("Go to the week of").fill(later.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**from={later.isoformat()}")
    monday = later - datetime.timedelta(days=later.weekday())
    days = page.locator(".move-day h2").all_inner_texts()
    week = {f"{d:%A, %B} {d.day}" for d in (monday + datetime.timedelta(n) for n in range(7))}
    assert days
    assert set(days) <= week
    expect(page.get_by_label("Go to the week of")).to_have_value(monday.isoformat())
    assert_accessible(page)
