"""The day sheet in Chromium at 1366 px, time frozen on a demo day: the front desk checks a
patient in from the dashboard in one click, undoes it within the minute, marks the visits
completed and no-show once they have started, and follows up a doctor's note."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from booking.models import Appointment
from booking.rules import services
from clinic.models import Clinic
from tests.browser.conftest import assert_accessible
from tests.browser.staff import ADMIN, Clicks, docs_screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
DEMO_LOADED = datetime.datetime(2026, 12, 21, 9, 5, tzinfo=datetime.UTC)


def todays(day, zone):
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    listed = Appointment.objects.filter(start__gte=start, start__lt=start + datetime.timedelta(1))
    return list(
        listed.exclude(status__in=["declined", "expired"]).order_by(
            "start", "therapist__display_order"
        )
    )


def one_more_after(visit):
    """A caller booked by phone right after `visit`, with the same therapist: the demo's day
    then has a second confirmed visit, for the no-show."""
    caller = Appointment(
        service=visit.service, therapist=visit.therapist, start=visit.hold_until,
        patient_name="Morgan Lee", patient_phone="+14165550177",
    )  # fmt: skip
    return services.book_by_staff(appointment=caller, by=None)


def row_button(page, label, visit):
    return page.get_by_role("button", name=re.compile(rf"^{label}\W+{visit.patient_name}"))


def test_the_front_desk_runs_the_day_from_the_dashboard(browser, live_server):
    # The demo is laid out from a fixed Monday, so the requests' waits and expiries on the day
    # shown (and in docs/dashboard.png) read as they would that day.
    with time_machine.travel(DEMO_LOADED, tick=False):
        call_command("load_demo", password="browser-pass-1")
    zone = Clinic.objects.current().zone
    sam = Appointment.objects.get(patient_name="Sam Patel", status="confirmed")
    riley = Appointment.objects.get(patient_name="Riley Moreau")  # flagged: blood thinners
    day = sam.start.astimezone(zone).date()
    morning = datetime.datetime.combine(day, datetime.time(8), tzinfo=zone)
    # The requests came in last evening, as on a real morning (the periodic job would have
    # expired ones left from the day the demo was loaded).
    Appointment.objects.filter(status="requested").update(
        requested_at=morning - datetime.timedelta(hours=13)
    )
    context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
    page = context.new_page()
    click = Clicks()

    with time_machine.travel(morning, tick=False) as clock:
        absent = one_more_after(sam)
        sign_in(page, "frontdesk")
        expect(page.get_by_role("heading", name=re.compile("Today’s visits"))).to_be_visible()
        # One list in time order, whoever the therapist.
        names = page.locator(".day-sheet tbody tr td:nth-child(2) a").all_inner_texts()
        assert names == [visit.patient_name for visit in todays(day, zone)]
        assert len(names) >= 2
        riley_row = page.locator(".day-sheet tbody tr").filter(has_text="Riley Moreau")
        expect(riley_row.locator(".screening-flag")).to_have_text("Check screening")
        assert_accessible(page)
        # The day sheet has the screen's width: nothing beside it, nothing scrolled sideways.
        width = page.locator(".day-sheet").bounding_box()["width"]
        assert width > 1366 * 0.85
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        # Sam comes in early: one click checks him in.
        before = click.count
        click(row_button(page, "Mark arrived", sam))
        expect(page.locator(".messagelist")).to_contain_text(
            f"{sam.reference} · Sam Patel: marked arrived."
        )
        assert click.count - before == 1
        sam.refresh_from_db()
        assert sam.status == Appointment.Status.ARRIVED
        expect(page.get_by_role("button", name="Undo")).to_be_visible()
        assert_accessible(page)
        docs_screenshot(page, "dashboard.png")

        # Wrong row: undone within the minute.
        clock.shift(30)
        click(page.get_by_role("button", name="Undo"))
        expect(page.locator(".messagelist")).to_contain_text(
            f"Undone: {sam.reference} · Sam Patel is confirmed again."
        )
        sam.refresh_from_db()
        assert sam.status == Appointment.Status.CONFIRMED
        assert_accessible(page)
        click(row_button(page, "Mark arrived", sam))
        expect(page.locator(".messagelist")).to_contain_text("marked arrived.")

        # The therapist reads Riley's screening: a doctor's note first. The desk is told.
        services.review_screening(appointment=riley, by=None, outcome="doctor_note")
        page.reload()
        task = page.locator(".doctor-notes")
        expect(task).to_contain_text("Riley Moreau")
        expect(task).to_contain_text(riley.patient_phone)
        assert_accessible(page)
        click(page.get_by_role("button", name=re.compile(r"^Patient told, note awaited\W+Riley")))
        expect(task).to_contain_text("Patient told; the note is awaited")
        assert_accessible(page)
        click(page.get_by_role("button", name=re.compile(r"^Note received\W+Riley")))
        expect(page.locator(".messagelist")).to_contain_text("doctor’s note received.")
        expect(task).not_to_contain_text("Riley Moreau")
        assert_accessible(page)

        # After the start: Sam's visit is completed; the next patient does not come.
        clock.move_to(sam.start + datetime.timedelta(minutes=10))
        sign_in(page, "frontdesk")
        page.goto("/admin/")
        click(row_button(page, "Mark completed", sam))
        expect(page.locator(".messagelist")).to_contain_text("completed.")
        assert_accessible(page)
        clock.move_to(absent.start + datetime.timedelta(minutes=10))
        page.goto("/admin/")
        click(row_button(page, "Mark no-show", absent))
        expect(page.locator(".messagelist")).to_contain_text("marked no-show.")
        assert_accessible(page)

    sam.refresh_from_db(), absent.refresh_from_db(), riley.refresh_from_db()
    assert (sam.status, absent.status) == ("completed", "no_show")
    assert riley.doctor_note == Appointment.DoctorNote.RECEIVED
    context.close()
