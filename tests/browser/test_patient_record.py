"""The front desk finds a patient, reads and adds to the record, books again, and handles a
phone-only waitlist caller, in Chromium at 1366 px with the demo data and time frozen."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from booking.models import Appointment, Patient, WaitlistEntry, WaitlistOffer
from booking.rules import services
from tests.booking.test_patient_record import cancelled, visit
from tests.browser.conftest import assert_accessible
from tests.browser.staff import docs_screenshot

pytestmark = pytest.mark.django_db(transaction=True)
# A Tuesday morning in the clinic's zone, before the clocks change.
MOMENT = datetime.datetime(2027, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
PHONE_FORMS = ["416-555-0103", "(416) 555-0103", "555-0103", "4165550103"]


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=True):
        yield


@pytest.fixture
def desk(frozen, front_desk):
    """The front desk signed in on the demo data, at MOMENT (frozen before the demo loads)."""
    return front_desk


@pytest.fixture
def sam():
    """The demo's Sam Patel (+14165550103), with a past no-show and a late cancellation."""
    patient = Patient.objects.get(phone="+14165550103")
    coming = patient.appointments.first()
    zone = MOMENT.tzinfo
    friday = MOMENT.date() - datetime.timedelta(days=4)
    at = lambda day, clock: datetime.datetime.combine(day, clock, tzinfo=zone)  # noqa: E731
    visit(patient, coming.therapist, coming.service, at(friday, datetime.time(9)), "no_show")
    late = visit(patient, coming.therapist, coming.service, at(friday, datetime.time(15)))
    cancelled(late, at_time=at(friday, datetime.time(10)), by_patient=True)
    return patient


def test_the_desk_finds_a_patient_by_phone_reads_the_record_adds_a_note_and_books_again(desk, sam):
    page = desk
    page.goto("/admin/booking/patient/")
    assert_accessible(page)
    box = page.get_by_role("searchbox", name="Search patients")
    for typed in PHONE_FORMS:
        box.fill(typed)
        box.press("Enter")
        results = page.locator("#result_list")
        expect(results).to_contain_text("Sam Patel")
        expect(results).not_to_contain_text("Avery Chen")
        assert page.locator("#result_list tbody tr").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Sam Patel").click()
    expect(page.get_by_role("heading", name="Coming (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Past (2)")).to_be_visible()
    counts = page.locator(".patient-count-list")
    expect(counts.locator("div", has_text="No-shows").locator("dd")).to_have_text("1")
    expect(counts.locator("div", has_text="Late cancellations").locator("dd")).to_have_text("1")
    expect(page.locator(".patient-emails")).to_contain_text("Sent")
    assert_accessible(page)

    page.get_by_label("Add a note").fill("Prefers firm pressure; allergic to almond oil.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".messagelist")).to_contain_text("Note added to the record.")
    notes = page.locator(".patient-note-list li")
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text("allergic to almond oil")
    expect(notes.first).to_contain_text("10:")  # the time, in clinic time
    assert_accessible(page)
    docs_screenshot(page, "patient-record.png")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Times are clinic time (America/Toronto).")).to_be_visible()
    assert_accessible(page)
    page.go_back()

    latest = sam.appointments.filter(start__lt=MOMENT).order_by("-start").first()
    page.get_by_role("link", name=re.compile("^Book again")).click()
    page.wait_for_url("**/admin/booking/appointment/add/**")
    expect(page.locator("#id_therapist")).to_have_value(str(latest.therapist_id))
    expect(page.locator("#id_service")).to_have_value(str(latest.service_id))
    expect(page.locator("#id_patient")).to_have_value(str(sam.pk))
    assert_accessible(page)


def test_the_desk_adds_a_phone_only_caller_and_handles_their_call_from_the_dashboard(desk):
    page = desk
    freed = Appointment.objects.filter(status="confirmed").order_by("start").first()
    day = freed.start.astimezone(MOMENT.tzinfo).date()

    page.goto("/admin/booking/waitlistentry/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Add waitlist entry")).click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Robin Caller")
    page.get_by_label("Phone").fill("(416) 555-0188")
    page.get_by_label("Service").select_option(str(freed.service_id))
    page.get_by_label("Therapist (optional)").select_option(str(freed.therapist_id))
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Last day").fill(day.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Robin Caller is on the waitlist")
    assert_accessible(page)
    entry = WaitlistEntry.objects.get(phone="+14165550188")
    assert entry.added_by.username == "frontdesk"

    # The patient of that visit cancels by phone: the time frees up for the caller.
    with time_machine.travel(MOMENT, tick=True):
        services.cancel_appointment(
            appointment=freed, by=get_user_model().objects.get(username="frontdesk")
        )
    [offer] = WaitlistOffer.objects.filter(entry=entry)

    page.goto("/admin/")
    calls = page.locator(".waitlist-calls")
    expect(calls.get_by_role("heading")).to_have_text("Waitlist: call these patients (1)")
    for shown in ["Robin Caller", "+14165550188", freed.service.name, freed.therapist.name]:
        expect(calls).to_contain_text(shown)
    assert_accessible(page)
    # "Booked…" opens the add form filled for this new caller, from the offer alone.
    calls.get_by_role("link", name=re.compile("Book Robin Caller")).click()
    page.wait_for_url("**/appointment/add/**")
    assert "Robin" not in page.url  # no personal data in the link
    assert "0188" not in page.url
    expect(page.get_by_label("Patient name")).to_have_value("Robin Caller")
    expect(page.get_by_label("Patient phone")).to_have_value("+14165550188")
    expect(page.get_by_label("Therapist")).to_have_value(str(freed.therapist_id))
    assert_accessible(page)
    page.go_back()
    calls = page.locator(".waitlist-calls")
    calls.get_by_role("button", name=re.compile("^Declined")).click()
    expect(page.locator(".messagelist")).to_contain_text("Robin Caller declined that time")
    expect(page.locator(".waitlist-calls")).to_contain_text("No waitlist call to make.")
    offer.refresh_from_db()
    assert offer.outcome == WaitlistOffer.Outcome.DECLINED
    assert_accessible(page)
