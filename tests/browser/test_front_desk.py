"""The front desk's day in the admin, in Chromium: dashboard and calendar."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from booking.models import Appointment
from clinic.models import Clinic
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
ADMIN = {"width": 1366, "height": 900}


@pytest.fixture
def front_desk(browser, live_server):
    call_command("load_demo", password="browser-pass-1")
    context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()
    yield page
    context.close()


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
