"""The front desk's day in the admin, in Chromium: dashboard and calendar."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from booking.models import Appointment
from clinic.models import Clinic, Therapist
from tests.browser.conftest import assert_accessible
from tests.browser.staff import ADMIN, set_up_two_factor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_day_starts_on_the_dashboard_and_the_calendar_opens_a_visit(front_desk):
    page = front_desk
    waiting = Appointment.objects.filter(status="requested").order_by("created_at").first()
    expect(
        page.get_by_role("heading", name=re.compile("Requests waiting for an answer"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Front desk").get_by_role("link", name="Calendar").click()
    day = waiting.start.astimezone(Clinic.objects.current().zone).date()
    page.get_by_role("textbox", name="Date").fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("columnheader", name=waiting.therapist.name)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(waiting.patient_name)).first.click()
    expect(page.get_by_role("heading", name=re.compile(waiting.reference))).to_be_visible()

    page.goto(f"/admin/booking/appointment/calendar/?date={day.isoformat()}&view=week")
    expect(page.locator("table.calendar-grid thead th")).to_have_count(8)
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_a_front_desk_morning_confirm_book_a_caller_move_and_mark_the_visits(front_desk):
    page = front_desk
    zone = Clinic.objects.current().zone
    waiting = Appointment.objects.filter(status="requested").order_by("start").first()
    day = waiting.start.astimezone(zone).date()

    # Confirm the waiting request from the calendar.
    page.goto(f"/admin/booking/appointment/calendar/?date={day.isoformat()}")
    page.get_by_role("link", name=re.compile(waiting.patient_name)).first.click()
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"{waiting.reference}: confirmed.")

    # Book a caller into a free time, from the calendar.
    page.goto(
        f"/admin/booking/appointment/calendar/?date={day.isoformat()}&therapist={waiting.therapist_id}"
    )
    page.locator(".book-link").last.click()
    page.get_by_label("Service").select_option(index=1)
    page.get_by_label("Patient name").fill("Casey Caller")
    page.get_by_label("Patient phone").fill("416-555-0177")
    page.get_by_label("New: a first visit here").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist, .errornote").first.wait_for()
    if page.get_by_text("Patients could not book this time online").count():
        page.get_by_label("Book outside the usual rules").check()
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Casey Caller")
    caller = Appointment.objects.get(patient_name="Casey Caller")
    assert caller.status == "confirmed"

    # Move the confirmed visit to another therapist.
    page.goto(f"/admin/booking/appointment/{waiting.pk}/change/")
    page.get_by_role("link", name="Move to another time…").click()
    assert_accessible(page)
    other = page.locator(".move-day h3").filter(has_not_text=waiting.therapist.name).first
    other_name = other.inner_text()
    other.locator("xpath=following-sibling::div[1]//a").first.click()
    page.get_by_role("button", name="Yes, move it").click()
    expect(page.locator(".messagelist")).to_contain_text(f"with {other_name}.")
    waiting.refresh_from_db()
    assert waiting.therapist.name == other_name

    # The visit's day comes: the patient arrives; the caller does not come.
    with time_machine.travel(waiting.start - datetime.timedelta(minutes=30), tick=True):
        sign_in(page, "frontdesk")  # that morning: a sign-in lasts a working day
        page.goto(f"/admin/booking/appointment/{waiting.pk}/change/")
        page.get_by_role("button", name="Mark arrived").click()
        expect(page.locator(".messagelist")).to_contain_text("marked arrived.")
    with time_machine.travel(caller.start + datetime.timedelta(minutes=10), tick=True):
        sign_in(page, "frontdesk")
        page.goto(f"/admin/booking/appointment/{caller.pk}/change/")
        page.get_by_role("button", name="Mark no-show").click()
        expect(page.locator(".messagelist")).to_contain_text("marked no-show.")
    waiting.refresh_from_db()
    caller.refresh_from_db()
    assert (waiting.status, caller.status) == ("arrived", "no_show")


def test_the_front_desk_opens_a_patients_record_and_its_history(front_desk):
    page = front_desk
    visit = Appointment.objects.filter(needs_review=True).first()
    page.goto(f"/admin/booking/appointment/{visit.pk}/change/")
    page.get_by_role("link", name=visit.patient.name).click()
    expect(page.get_by_text("Visits, past and coming")).to_be_visible()
    expect(page.get_by_text("Latest screening")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name=re.compile(visit.patient.name))).to_be_visible()
    assert_accessible(page)


def test_a_therapist_sees_only_her_column_and_reviews_a_flag(browser, live_server):
    call_command("load_demo", password="browser-pass-1")
    visit = Appointment.objects.filter(needs_review=True, therapist__user__isnull=False).first()
    if visit is None:  # the demo's flagged visits may fall to a therapist without a login
        visit = Appointment.objects.filter(needs_review=True).first()
        dana_user = get_user_model().objects.get(username="dana")
        Therapist.objects.filter(user=dana_user).update(user=None)
        visit.therapist.user = dana_user
        visit.therapist.save()
    context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "dana")
    day = visit.start.astimezone(Clinic.objects.current().zone).date()
    page.goto(f"/admin/booking/appointment/calendar/?date={day.isoformat()}")
    headers = page.locator("table.calendar-grid thead th")
    expect(headers).to_have_count(2)  # the time, and her own column
    expect(headers.nth(1)).to_have_text(visit.therapist.name)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(visit.patient_name)).first.click()
    page.get_by_label("Needs a doctor’s note first").check()
    page.get_by_label("Note (optional)").fill("Ask for her doctor's go-ahead.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".messagelist")).to_contain_text("screening marked")
    visit.refresh_from_db()
    assert visit.screening_review == "doctor_note"
    context.close()


def test_when_the_owner_requires_two_factor_the_front_desk_sets_up_an_app(browser, live_server):
    call_command("load_demo", password="browser-pass-1")
    Clinic.objects.update(require_two_factor=True)
    context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
    page = context.new_page()
    page.goto("/admin/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/admin/two-factor/")
    expect(page.get_by_text("The clinic requires two-factor sign-in")).to_be_visible()
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    assert_accessible(page)
    set_up_two_factor(page)

    page.wait_for_url("**/admin/")
    expect(page.get_by_text("Two-factor sign-in is on for your account.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Requests waiting for an answer"))
    ).to_be_visible()
    context.close()


def test_the_desk_cancels_a_visit_saying_who_asked(front_desk):
    page = front_desk
    visit = Appointment.objects.filter(status="confirmed").order_by("start").first()
    page.goto(f"/admin/booking/appointment/{visit.pk}/change/")
    page.get_by_role("link", name="Cancel…").click()
    expect(page.get_by_role("group", name="Who asked to cancel?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Message to the patient (optional)").fill("Feel better soon.")
    page.get_by_role("radio", name=re.compile("^The patient")).check()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{visit.reference}: cancelled.")
    event = visit.events.get(action="cancelled")
    assert event.by_patient
