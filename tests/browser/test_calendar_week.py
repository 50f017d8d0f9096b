"""The calendar as the front desk plans with it, in Chromium at 1366 px: the whole clinic's week,
the keyboard's way to a therapist's first free time, and a short-notice time that says so before
the click. Time is frozen on a Monday morning of the week of the demo's winter break.

DOCS_SCREENSHOTS=1 writes docs/calendar-day.png and docs/calendar-week-clinic.png.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from booking.models import Appointment
from booking.rules import services
from clinic.models import Clinic, Therapist, TimeOff
from tests.browser.conftest import assert_accessible
from tests.browser.staff import desk_at, docs_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = datetime.date(2026, 12, 21)  # the demo closes for its winter break on Thursday
CALENDAR = "/admin/booking/appointment/calendar/"
MAX_KEY_PRESSES = 6  # issue 19: a given therapist's first free time, by keyboard


@pytest.fixture
def desk(browser, live_server):
    with desk_at(browser, live_server, MONDAY, datetime.time(9, 5)) as page:
        yield page


def test_the_whole_clinics_week_shows_everyone_and_a_block_opens_its_visit(desk):
    page = desk
    kenji = Therapist.objects.get(name="Kenji Tanaka")
    zone = Clinic.objects.current().zone
    tuesday = MONDAY + datetime.timedelta(days=1)
    TimeOff.objects.create(
        therapist=kenji,
        start=datetime.datetime.combine(tuesday, datetime.time(0), tzinfo=zone),
        end=datetime.datetime.combine(tuesday, datetime.time(23, 59), tzinfo=zone),
        note="Conference",
    )
    page.get_by_role("navigation", name="Front desk").get_by_role("link", name="Calendar").click()
    page.get_by_role("navigation", name="Calendar dates and views").get_by_role(
        "link", name="Week"
    ).click()
    table = page.locator("table.calendar-clinic-week")
    expect(table).to_be_visible()
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # the whole week at 1366 px, no sideways scrolling
    working = [t.name for t in Therapist.objects.active() if t.working_hours.exists()]
    assert table.locator("tbody th").all_inner_texts() == working

    def cell(name, day):
        row = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name))
        return row.locator("td").nth((day - MONDAY).days)

    expect(cell("Dana Whitfield", MONDAY).locator(".week-break")).to_contain_text(
        "Break 12:30–1:30 PM"
    )
    expect(cell("Sofia Reyes", MONDAY)).to_have_text("Not working")
    expect(cell("Kenji Tanaka", tuesday)).to_have_text("Time off: Conference")
    thursday = MONDAY + datetime.timedelta(days=3)
    expect(cell("Dana Whitfield", thursday)).to_have_text("Closed: Winter break")
    expect(cell("Dana Whitfield", MONDAY).locator(".week-outside-rules").first).to_contain_text(
        "short notice"
    )
    docs_screenshot(page, "calendar-week-clinic.png")

    visit = Appointment.objects.filter(start__date__gte=MONDAY).order_by("start").first()
    page.get_by_role("link", name=re.compile(visit.patient_name)).first.click()
    expect(page.get_by_role("heading", name=re.compile(visit.reference))).to_be_visible()
    assert_accessible(page)

    # One therapist's week stays a filter.
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}&view=week&therapist={kenji.pk}")
    expect(page.locator("table.calendar-grid thead th")).to_have_count(8)
    expect(page.locator("td.cell-timeoff").first).to_contain_text("Time off: Conference")
    assert_accessible(page)


def presses_to_first_free_time(page, therapist):
    """From a fresh load, Tab until the skip link for `therapist` has focus, then Enter."""
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}")
    wanted = f"Go to {therapist.name}’s first free time"
    presses = 0
    while presses < 20:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.textContent.trim()") == wanted:
            break
    page.keyboard.press("Enter")
    return presses + 1


def test_each_therapists_first_free_time_is_a_few_key_presses_away(desk):
    page = desk
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}")
    assert_accessible(page)
    columns = [
        name.strip()
        for name in page.locator("table.calendar-grid thead th").all_text_contents()[1:]
    ]
    counts = {}
    for name in columns:
        therapist = Therapist.objects.get(name=name)
        counts[name] = presses_to_first_free_time(page, therapist)
        focused = page.locator(":focus")
        expect(focused).to_have_class(re.compile("book-link"))
        label = focused.evaluate("element => element.textContent.replace(/\\s+/g, ' ').trim()")
        assert label.startswith(f"Book {name} on Monday, December 21 at ")
        first_book = page.locator(".book-link").filter(has_text=f"Book {name} on").first
        assert focused.get_attribute("id") == first_book.get_attribute("id")
    print("key presses to each therapist's first free time:", counts)
    assert max(counts.values()) <= MAX_KEY_PRESSES
    assert len(counts) == 3  # Monday: Dana, Marcus and Kenji work


def test_a_short_notice_time_says_so_before_the_click_and_the_form_knows(desk):
    page = desk
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}")
    dana = Therapist.objects.get(name="Dana Whitfield")
    first = page.locator(f"#first-free-{dana.pk}-{MONDAY:%Y%m%d}")
    expect(first).to_have_accessible_name(
        re.compile(r"^Book Dana Whitfield on Monday, December 21 at 9:15 AM EST, "
                   r"outside the usual rules: short notice")
    )  # fmt: skip
    expect(first).to_contain_text("short notice")  # visible, not only to a screen reader
    color = first.evaluate("a => getComputedStyle(a.closest('td')).backgroundColor")
    usual = page.locator(".cell-free:not(.cell-outside-rules)")
    expect(usual).to_have_count(0)  # today is all inside the 12 hours' notice
    assert color != "rgba(0, 0, 0, 0)"

    wednesday = MONDAY + datetime.timedelta(days=2)
    page.goto(f"{CALENDAR}?date={wednesday.isoformat()}")
    plain = page.locator(".cell-free:not(.cell-outside-rules) .book-link").first
    assert "outside_rules" not in plain.get_attribute("href")
    assert plain.evaluate("a => getComputedStyle(a.closest('td')).backgroundColor") != color
    docs_screenshot(page, "calendar-day.png")
    assert_accessible(page)

    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}")
    page.locator(f"#first-free-{dana.pk}-{MONDAY:%Y%m%d}").click()
    page.wait_for_url("**/appointment/add/**")
    query = parse_qs(urlsplit(page.url).query)
    assert query["outside_rules"] == ["1"]
    assert query["therapist"] == [str(dana.pk)]
    expect(page.get_by_label("Book outside the usual rules")).to_be_visible()
    assert_accessible(page)


def test_a_block_in_one_therapists_week_checks_a_patient_in_with_a_minute_to_undo(desk):
    page = desk
    # The demo's visits start on Wednesday: a caller booked by phone for this afternoon.
    dana = Therapist.objects.get(name="Dana Whitfield")
    visit = services.book_by_staff(
        appointment=Appointment(
            service=dana.services.order_by("duration_minutes").first(), therapist=dana,
            start=datetime.datetime.combine(MONDAY, datetime.time(15), tzinfo=Clinic.objects.current().zone),
            patient_name="Morgan Lee", patient_phone="+14165550177",
        ),
        by=None,
    )  # fmt: skip
    page.goto(f"{CALENDAR}?date={MONDAY.isoformat()}&view=week&therapist={visit.therapist_id}")
    block = page.locator(".calendar-block").filter(has_text=visit.patient_name).first
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # the week with its buttons still fits 1366 px
    block.get_by_role("button", name=re.compile(rf"^Mark arrived\W+{visit.patient_name}")).click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"{visit.reference} · {visit.patient_name}: marked arrived."
    )
    assert "view=week" in page.url  # back on the same week
    visit.refresh_from_db()
    assert visit.status == Appointment.Status.ARRIVED
    assert_accessible(page)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Undone: {visit.reference} · {visit.patient_name} is confirmed again."
    )
    visit.refresh_from_db()
    assert visit.status == Appointment.Status.CONFIRMED
    assert_accessible(page)
