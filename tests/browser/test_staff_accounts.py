"""The owner adds a therapist as a staff member; the therapist sets their own password from the
emailed link, signs in (with two-factor, as the clinic requires) and sees their own day."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Appointment
from clinic.models import Clinic, Therapist
from tests.browser.conftest import assert_accessible
from tests.browser.staff import ADMIN, docs_screenshot, set_up_two_factor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def patients_today(therapist):
    """Names of the patients booked today with `therapist`, and of only the others'."""
    zone = Clinic.objects.current().zone
    today = timezone.localdate(timezone=zone)
    visits = Appointment.objects.exclude(status__in=["declined", "expired", "cancelled"])
    todays = [v for v in visits if timezone.localdate(v.start, timezone=zone) == today]
    mine = {v.patient_name for v in todays if v.therapist_id == therapist.pk}
    return mine, {v.patient_name for v in todays} - mine


def system_heading(page):
    return page.locator("#content-main").get_by_role("link", name="System", exact=True)


def test_the_owner_adds_a_therapist_who_sets_a_password_and_sees_their_own_day(
    browser, live_server
):
    zone = Clinic.objects.current().zone
    with time_machine.travel(
        datetime.datetime(2026, 12, 21, 9, 5, tzinfo=zone), tick=True
    ) as clock:
        call_command("load_demo", password="browser-pass-1")
        marcus = Therapist.objects.get(name="Marcus Oyelaran")  # a profile nobody signs in as yet
        # The morning of Marcus's first demo visit, a day others have patients too.
        first = Appointment.objects.filter(therapist=marcus).order_by("start").first()
        day = first.start.astimezone(zone).date()
        clock.move_to(datetime.datetime.combine(day, datetime.time(8), tzinfo=zone))
        _journey(browser, live_server, marcus)


def _journey(browser, live_server, marcus):
    mail.outbox.clear()
    owner = browser.new_context(viewport=ADMIN, base_url=live_server.url).new_page()

    sign_in(owner, "admin")
    owner.wait_for_url("**/admin/")
    expect(system_heading(owner)).to_be_visible()
    assert_accessible(owner)
    owner.locator(".app-accounts .model-user").get_by_role("link", name="Add").click()
    expect(owner.get_by_role("heading", name="Add a staff member")).to_be_visible()
    owner.get_by_label("First name").fill("Marcus")
    owner.get_by_label("Last name").fill("Oyelaran")
    owner.get_by_label("Email").fill("marcus@maplegrove.example")
    owner.get_by_role("radio", name=re.compile("^Therapists")).check()
    owner.get_by_label("Therapist profile").select_option(label="Marcus Oyelaran")
    assert_accessible(owner)
    docs_screenshot(owner, "add-staff-member.png")
    owner.get_by_role("button", name="Add and send the invitation").click()
    expect(owner.locator(".messagelist")).to_contain_text("Marcus Oyelaran is added as Therapists")
    expect(owner.get_by_role("row", name=re.compile("Marcus Oyelaran"))).to_contain_text(
        "Therapists"
    )
    assert_accessible(owner)
    # Changing them is the same simple page, which offers the invitation again.
    owner.get_by_role("link", name="Marcus Oyelaran").click()
    expect(owner.get_by_role("radio", name=re.compile("^Therapists"))).to_be_checked()
    expect(owner.get_by_role("button", name="Send the invitation again")).to_be_visible()
    assert_accessible(owner)

    # Delivered by the outbox once the owner's change committed.
    [invitation] = [m for m in mail.outbox if m.to == ["marcus@maplegrove.example"]]
    assert "Alex Owner invited you" in invitation.subject
    link = re.search(r"/staff/welcome/\S+/\S+/", invitation.body)[0]

    # The clinic requires two-factor sign-in: the new therapist sets it up on first sign-in.
    Clinic.objects.update(require_two_factor=True)
    person = browser.new_context(viewport=ADMIN, base_url=live_server.url).new_page()
    person.goto(link)
    expect(person.get_by_text("Welcome, Marcus Oyelaran.")).to_be_visible()
    assert "set-password" in person.url  # the token is out of the address before anything else
    assert_accessible(person)
    expect(person.get_by_role("link", name="Clinic staff")).to_be_visible()
    person.get_by_label(re.compile(r"^New password:?$")).fill("marcus-own-pass-77")
    person.get_by_label("New password confirmation").fill("marcus-own-pass-77")
    person.get_by_role("button", name="Set my password").click()
    # Signed in with it: the clinic's two-factor set-up comes first.
    person.wait_for_url("**/admin/two-factor/")
    assert_accessible(person)
    set_up_two_factor(person)
    person.wait_for_url("**/admin/")
    expect(person.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(person.locator(".messagelist")).to_contain_text("Two-factor sign-in is on")
    # Their own day: their patients' names, and none of another therapist's.
    day = person.locator("#content").inner_text()  # the day sheet is above #content-main
    mine, others = patients_today(marcus)
    # Both non-empty: else the two checks below would pass on an empty day.
    assert mine
    assert others
    assert all(name in day for name in mine)
    assert not any(name in day for name in others)
    expect(system_heading(person)).to_have_count(0)
    assert_accessible(person)
    marcus.refresh_from_db()
    assert marcus.user.username == "marcus@maplegrove.example"

    # The front desk sees no System heading either; the owner's index has it.
    desk = browser.new_context(viewport=ADMIN, base_url=live_server.url).new_page()
    Clinic.objects.update(require_two_factor=False)
    sign_in(desk, "frontdesk")
    desk.wait_for_url("**/admin/")
    expect(desk.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(system_heading(desk)).to_have_count(0)
    assert_accessible(desk)
