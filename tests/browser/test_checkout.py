"""Checkout in Chromium at 1366 px, on a demo day (issue 23): the desk checks a completed visit
out from the day sheet with a card payment, issues the receipt and emails it, opens the PDF (its
text read back: therapist, registration number, date, length, fee, number), issues a corrected
one; charges a no-show the policy's fee, paid in cash; and the day's takings match."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from booking.models import Appointment, Payment, Receipt
from booking.rules import services
from clinic.models import Clinic
from tests.browser.conftest import assert_accessible
from tests.browser.staff import ADMIN, PASSWORD, docs_screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
DEMO_LOADED = datetime.datetime(2026, 12, 21, 9, 5, tzinfo=datetime.UTC)


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_desk_checks_out_the_day_and_its_takings_match(browser, live_server):
    with time_machine.travel(DEMO_LOADED, tick=False):
        call_command("load_demo", password=PASSWORD)
    clinic = Clinic.objects.current()
    zone = clinic.zone
    sam = Appointment.objects.get(patient_name="Sam Patel", status="confirmed")
    day = sam.start.astimezone(zone).date()
    context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
    page = context.new_page()

    with time_machine.travel(sam.start + datetime.timedelta(hours=2), tick=True):
        # Sam's visit took place; the caller booked after him did not come.
        services.mark_arrived(appointment=sam, by=None)
        services.mark_completed(appointment=sam, by=None)
        absent = services.book_by_staff(
            appointment=Appointment(
                service=sam.service, therapist=sam.therapist, start=sam.hold_until,
                patient_name="Morgan Lee", patient_phone="+14165550177",
            ),
            by=None,
        )  # fmt: skip
        services.mark_no_show(appointment=absent, by=None)
        sign_in(page, "frontdesk")

        # From the day sheet: Sam's row offers checkout.
        row = page.locator(".day-sheet tbody tr").filter(has_text="Sam Patel")
        row.get_by_role("link", name=re.compile(r"^Check out")).click()
        expect(page.get_by_role("heading", name="Checkout: Sam Patel")).to_be_visible()
        assert_accessible(page)
        # The service's price is proposed; one click charges it.
        fee = sam.service.price
        expect(page.get_by_label("Amount").first).to_have_value(f"{fee}")
        page.get_by_role("button", name="Add the charge").click()
        expect(page.get_by_text(f"fee of {fee:,} charged")).to_be_visible()
        # What is owed is proposed; card at the terminal, one click.
        page.get_by_label("Card (at the terminal)").check()
        page.get_by_role("button", name="Take the payment").click()
        expect(page.locator(".checkout-paid")).to_have_text("Paid")
        docs_screenshot(page, "checkout.png")

        # The receipt, issued and emailed.
        page.get_by_role("button", name="Issue the receipt").click()
        first = Receipt.objects.get(appointment=sam)
        expect(page.get_by_text(f"receipt no. {first.number} issued")).to_be_visible()
        mail.outbox.clear()
        page.get_by_role("button", name=re.compile("^Email the receipt")).click()
        expect(page.get_by_text(f"receipt no. {first.number} emailed")).to_be_visible()
        [message] = mail.outbox
        [(name, emailed, _type)] = message.attachments
        assert name == f"receipt-{first.number}.pdf"
        # Opened from its link, as the desk prints it: the same receipt as the email's.
        link = page.get_by_role("link", name=f"Receipt no. {first.number} (PDF)")
        opened = page.request.get(link.get_attribute("href"))
        assert opened.headers["content-type"] == "application/pdf"
        text = pdf_text(opened.body())
        assert text == pdf_text(emailed)
        local = sam.start.astimezone(zone)
        dana = sam.therapist
        for expected in (
            f"Receipt no. {first.number}",
            dana.name,
            f"registration no. {dana.registration_number}",
            f"{local:%A, %B} {local.day}, {local.year}",
            f"{sam.service.name}, {sam.service.duration_minutes} minutes",
            f"{fee:,} {clinic.currency}",
            "Card (at the terminal)",
        ):
            assert expected in text, expected

        # A correction: a new receipt naming the one it replaces.
        page.get_by_role("button", name="Issue a corrected receipt").click()
        second = Receipt.objects.get(replaces=first)
        expect(page.get_by_text(f"replaced by no. {second.number}")).to_be_visible()
        assert f"Replaces receipt no. {first.number}" in pdf_text(bytes(second.pdf))

        # The no-show: the policy's fee, charged by choice, paid in cash.
        page.goto(f"/admin/booking/appointment/{absent.pk}/checkout/")
        page.get_by_label("What").select_option("no_show")
        expect(page.get_by_label("Amount").first).to_have_value(f"{clinic.no_show_fee}")
        page.get_by_role("button", name="Add the charge").click()
        page.get_by_label("Cash").check()
        page.get_by_role("button", name="Take the payment").click()
        expect(page.locator(".checkout-paid")).to_have_text("Paid")

        # The day's takings: what was taken, by way of paying and by therapist.
        page.get_by_role("link", name="Takings").click()
        taken = Payment.objects.filter(created_at__date__gte=day - datetime.timedelta(days=1))
        total = sum(payment.amount for payment in taken)
        assert total == fee + clinic.no_show_fee
        expect(page.get_by_text(f"Money received, in {clinic.currency}: ${total}")).to_be_visible()
        methods = page.locator("#by-method-heading + table")
        expect(methods.get_by_role("row", name=re.compile("Card"))).to_contain_text(f"${fee}")
        expect(methods.get_by_role("row", name=re.compile("Cash"))).to_contain_text(
            f"${clinic.no_show_fee}"
        )
        assert_accessible(page)
        docs_screenshot(page, "takings.png")
    context.close()
