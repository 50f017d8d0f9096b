import datetime
import math
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from booking import waitlist
from booking.models import Appointment
from booking.request.selection import Selection
from booking.rules import availability, services
from booking.rules.services import PatientDetails
from clinic.models import Clinic, Service
from tests.booking.conftest import clinic_today
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", password="browser-pass-1")
    Appointment.objects.all().delete()  # a clean calendar for the journeys
    mail.outbox.clear()


def choose_service(page, service, *, patient="No, this is my first visit"):
    """Step one by mouse: new or returning, the service, Next (the keyboard has its own test)."""
    page.get_by_label(patient).check()
    page.get_by_label(service).check()
    page.get_by_role("button", name="Next: choose a therapist").click()


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Never reached {locator} with the Tab key")


def test_a_patient_on_a_phone_requests_an_appointment_with_the_keyboard_alone(phone_page, demo):
    page = phone_page
    page.goto("/book/")
    assert_accessible(page)

    tab_to(page, page.get_by_label("No, this is my first visit"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Initial assessment and treatment"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Next: choose a therapist"))
    page.keyboard.press("Enter")

    # Posted, then a sealed address: the service chosen is not readable in it.
    page.wait_for_url(re.compile(r"/book/\?s=[\w-]+$"))
    assert "assessment" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a therapist")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Any available therapist"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    assert_accessible(page)
    first_time = page.locator(".time-choice").first
    chosen_label = first_time.inner_text()
    tab_to(page, first_time, limit=120)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/book/details/"))
    assert_accessible(page)
    tab_to(page, page.get_by_label("Your full name"))
    page.keyboard.type("Avery Chen")
    page.keyboard.press("Tab")
    page.keyboard.type("avery@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("416 555 0101")
    page.keyboard.press("Tab")
    page.keyboard.type("Stiff lower back")
    tab_to(page, page.get_by_label("Pregnant"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("checkbox", name=re.compile("I agree")))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Next: review"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and send your request")
    assert_accessible(page)
    expect(page.get_by_text("+14165550101")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Send my request"))
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/book/appointment/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment")
    expect(page.get_by_text("Your request is in")).to_be_visible()
    assert_accessible(page)
    appointment = Appointment.objects.get()
    expect(page.locator(".reference")).to_have_text(appointment.reference)
    assert chosen_label.split()[0] in page.locator(".request-summary").inner_text()
    assert appointment.status == "requested"
    assert appointment.needs_review
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.watch.assert_clean()


def test_errors_are_announced_next_to_their_fields_on_a_phone(phone_page, demo):
    page = phone_page
    assessment = Service.objects.get(slug="initial-assessment-and-treatment")
    page.goto(f"/book/?patient=new&service={assessment.pk}&therapist=any")
    page.locator(".time-choice").first.click()
    page.get_by_label("Your full name").fill("Avery")
    page.get_by_label("Email").fill("avery@")
    page.get_by_label("Phone").fill("12")
    page.get_by_role("button", name="Next: review").click()
    # The page opens on the summary of what to fix (focused, so it is read first) ...
    summary = page.get_by_role("alert").filter(has_text="Please check")
    expect(summary).to_be_focused()
    # ... whose links lead to each field, where the message is repeated next to it.
    summary.get_by_role("link", name="Enter a valid email address.").click()
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.locator("#id_email_error")).to_have_text("Enter a valid email address.")
    expect(page.get_by_label("Email")).to_have_value("avery@")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your full name")).to_have_value("Avery")
    assert_accessible(page)


def test_staff_sign_in_and_confirm_then_the_patient_cancels_from_the_link(
    desktop_page, demo, live_server
):
    page = desktop_page
    # A request arrives through the public form, for a day beyond the cancellation notice (any
    # time on it is more than the notice away, whatever the time of day now), so that the
    # patient may still cancel online at the end.
    notice = Clinic.objects.current().cancellation_notice_hours
    first_day = clinic_today() + datetime.timedelta(days=math.ceil(notice / 24) + 1)
    deep_tissue = Service.objects.get(slug="deep-tissue-massage")
    page.goto(
        f"/book/?patient=returning&service={deep_tissue.pk}&therapist=dana-whitfield"
        f"&from={first_day.isoformat()}"
    )
    page.locator(".time-choice").first.click()
    page.get_by_label("Your full name").fill("Sam Patel")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Phone").fill("416-555-0103")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Next: review").click()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r"/book/appointment/"))
    appointment = Appointment.objects.get()

    # The front desk signs in and confirms it.
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/booking/appointment/")
    row = page.get_by_role("row").filter(has_text=appointment.reference)
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("confirmed. The patient is told by email.")
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"

    # The patient opens the link from the confirmation email and cancels.
    confirmation = next(m for m in mail.outbox if m.subject.endswith("is confirmed"))
    link = re.search(r"http://testserver(/book/appointment/[\w-]+/)", confirmation.body).group(1)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("Status: Confirmed")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == "appointment.ics"
    page.get_by_role("link", name="Cancel this appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your appointment?")
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"  # asking changes nothing
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your appointment is cancelled")).to_be_visible()
    expect(page.get_by_text("Status: Cancelled")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.events.last().by_patient
    told = [m for m in mail.outbox if m.subject.endswith("cancelled by the patient")]
    assert [m.to for m in told] == [[Clinic.objects.current().email]]


def test_every_booking_step_passes_axe_on_phone_and_desktop(any_page, demo):
    page = any_page
    service = Service.objects.get(slug="initial-assessment-and-treatment")
    steps = [
        "/privacy/",
        "/book/",
        "/book/?submitted=1",
        f"/book/?patient=new&service={service.pk}",
        f"/book/?patient=new&service={service.pk}&therapist=any",  # last: its times are used below
    ]
    for path in steps:
        assert page.goto(path).status == 200
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.locator(".time-choice").first.click()
    page.wait_for_url(re.compile(r"/book/details/"))
    assert_accessible(page)
    page.watch.assert_clean()


def test_on_a_phone_the_week_and_the_times_are_on_the_first_screen(phone_page, demo):
    page = phone_page
    page.goto("/book/")
    choose_service(page, "Deep tissue massage")
    expect(page.get_by_role("heading", name="First available")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Any available therapist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    assert_accessible(page)
    first_time = page.locator(".time-choice").first
    expect(first_time).to_be_in_viewport()
    expect(page.locator(".week-strip")).to_be_in_viewport()
    # Another day: the page opens at the week, with that day's times under it.
    other_day = page.locator(".week-strip a.day-choice:not(.selected)").last
    label = other_day.locator(".day-date").inner_text()
    other_day.click()
    expect(page.locator(".week-strip a.selected .day-date")).to_have_text(label)
    expect(page.locator(".week-strip")).to_be_in_viewport()
    expect(page.locator(".time-choice, .therapist-times a").first).to_be_in_viewport()
    page.watch.assert_clean()


def test_a_red_flag_ends_the_request_with_a_kind_page(phone_page, demo):
    page = phone_page
    page.goto("/book/")
    choose_service(page, "Initial assessment and treatment")
    page.locator(".soonest-choice").first.click()
    page.get_by_label("Numbness in your groin, genitals or inner thighs").check()
    page.get_by_role("button", name="Next: review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please see a doctor first")
    assert_accessible(page)
    assert not Appointment.objects.exists()
    page.watch.assert_clean()


def test_a_patient_moves_the_visit_from_the_emailed_link(phone_page, demo):
    page = phone_page
    # A day from the day after tomorrow: far enough ahead to move online, whatever the clock.
    service = Service.objects.get(slug="deep-tissue-massage")
    therapist = service.therapists.active().first()
    day = next_open_day(therapist, service, Clinic.objects.current())
    page.goto(Selection(patient="new", service=service, therapist=therapist, day=day).url())
    page.locator(".time-choice").first.click()
    page.get_by_label("Your full name").fill("Avery Chen")
    page.get_by_label("Email").fill("avery@example.com")
    page.get_by_label("Phone").fill("416 555 0101")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Next: review").click()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r"/book/appointment/"))
    before = Appointment.objects.get().start

    received = next(m for m in mail.outbox if m.to == ["avery@example.com"])
    link = re.search(r"https?://\S+/book/appointment/[\w-]+/", received.body).group(0)
    page.goto(link.split("/book/", 1)[1].join(["/book/", ""]))
    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your appointment")
    assert_accessible(page)
    page.locator(".week-strip a.day-choice:not(.selected)").last.click()
    page.locator(".time-choice").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your appointment?")
    assert_accessible(page)
    page.get_by_role("button", name="Move my appointment").click()
    expect(page.get_by_text("Your visit is moved.")).to_be_visible()
    assert Appointment.objects.get().start != before
    assert any("moved by the patient" in m.subject for m in mail.outbox)
    page.watch.assert_clean()


def test_a_full_day_waitlist_offer_claimed_first_and_the_second_patient_told(phone_page, demo):
    """Join the waitlist for a full day; a cancellation frees a time; the emailed link books
    it; a second patient waiting for the same day is told it was taken."""
    page = phone_page
    service = Service.objects.get(slug="deep-tissue-massage")
    therapist = service.therapists.active().first()
    clinic = Clinic.objects.current()
    day = next_open_day(therapist, service, clinic)
    filled = fill_day(therapist, service, day, clinic)
    second_entry = waitlist.join(
        service=service, therapist=therapist, is_new_patient=True, email="second@example.com",
        first_day=day, last_day=day, part_of_day="any",
    )  # fmt: skip
    waitlist.confirm(second_entry)

    sealed = Selection(patient="new", service=service, therapist=therapist, day=day).url()
    page.goto(sealed)
    expect(page.locator(".week-strip .selected, .week-strip .unavailable").first).to_be_visible()
    page.get_by_role("link", name="Tell me when a time frees up").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell me when a time frees up")
    assert_accessible(page)
    page.get_by_label("Your email").fill("first@example.com")
    page.get_by_label("From").fill(day.isoformat())
    page.get_by_label("Until").fill(day.isoformat())
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please check your email")
    assert_accessible(page)
    # Offers come only once the address's owner confirms it, with a button, not the link alone.
    confirm = next(m for m in mail.outbox if m.to == ["first@example.com"])
    page.goto(re.search(r"/book/waitlist/\S+/confirm/", confirm.body).group(0))
    assert_accessible(page)
    page.get_by_role("button", name="Yes, tell me when a time frees up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your email is confirmed")
    assert_accessible(page)
    mail.outbox.clear()

    services.cancel_appointment(appointment=filled[0], by=None)
    offer = next(m for m in mail.outbox if m.to == ["first@example.com"])
    page.goto("/book/" + re.search(r"/book/(waitlist/\S+)", offer.body).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    page.get_by_label("Your full name").fill("Avery Chen")
    page.get_by_label("Phone").fill("416 555 0101")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Next: review").click()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r"/book/appointment/"))
    assert Appointment.objects.get(patient_email="first@example.com").start == filled[0].start

    told = next(m for m in mail.outbox if m.to == ["second@example.com"] and "taken" in m.subject)
    assert "before you" in told.body
    second = next(m for m in mail.outbox if m.to == ["second@example.com"] and "free" in m.subject)
    page.goto("/book/" + re.search(r"/book/(waitlist/\S+)", second.body).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Someone booked that time first")
    assert_accessible(page)
    page.watch.assert_clean()


def next_open_day(therapist, service, clinic):
    """The first day from tomorrow on which the therapist has free times for the service."""
    start = clinic_today() + datetime.timedelta(days=2)
    slots = availability.free_slots(
        clinic=clinic, service=service, therapists=[therapist],
        start_date=start, end_date=start + datetime.timedelta(days=14),
    )  # fmt: skip
    return slots[0].start.astimezone(clinic.zone).date()


def fill_day(therapist, service, day, clinic):
    """Every free time of the therapist that day booked by other patients, earliest first."""
    booked = []
    while slots := availability.free_slots(
        clinic=clinic, service=service, therapists=[therapist], start_date=day, end_date=day
    ):
        booked.append(
            services.request_appointment(
                service=service, therapist=therapist, start=slots[0].start,
                patient=PatientDetails(
                    name=f"Patient {len(booked)}", email=f"p{len(booked)}@example.com",
                    phone=f"+1416555{len(booked):04d}", is_new_patient=False, reason="",
                    screening={}, consented=True,
                ),
            )
        )  # fmt: skip
    mail.outbox.clear()
    return booked


def test_a_returning_patient_books_with_the_emailed_link(phone_page, demo):
    clinic = Clinic.objects.current()
    service = Service.objects.get(slug="deep-tissue-massage")
    therapist = service.therapists.active().first()
    day = next_open_day(therapist, service, clinic)
    earlier = services.request_appointment(
        service=service, therapist=therapist,
        start=availability.free_slots(
            clinic=clinic, service=service, therapists=[therapist], start_date=day, end_date=day
        )[0].start,
        patient=PatientDetails(
            name="Robin Vale", email="robin@example.com", phone="+14165550188",
            is_new_patient=False, reason="", screening={"varicose_veins": True}, consented=True,
        ),
    )  # fmt: skip
    services.confirm_appointment(appointment=earlier, by=None)
    mail.outbox.clear()

    page = phone_page
    page.goto("/book/")
    page.get_by_role("link", name="Email me a link").click()
    page.get_by_label("The email address you gave us").fill("robin@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    link = re.search(r"/book/welcome-back/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)  # opening the link (as a mail scanner would) spends nothing
    assert_accessible(page)
    page.get_by_role("button", name="Continue to booking").click()
    expect(page.get_by_text("Welcome back, Robin.")).to_be_visible()
    choose_service(page, "Deep tissue massage", patient="Yes, I have been before")
    page.locator(".soonest-choice").first.click()
    expect(page.get_by_label("Your full name")).to_have_value("Robin Vale")
    expect(page.get_by_label("Varicose veins")).to_be_checked()
    page.get_by_role("checkbox", name=re.compile("I have checked my health answers")).check()
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Next: review").click()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r"/book/appointment/"))
    assert Appointment.objects.filter(patient_email="robin@example.com").count() == 2
    page.watch.assert_clean()

    # The link worked once; the browser logs the page's 410 status, which is the point.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    assert_accessible(page)
