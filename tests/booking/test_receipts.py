"""Receipts (booking/receipts.py): what an insurer needs printed, read back from the PDF; one
unbroken sequence of numbers, also under concurrent checkouts on PostgreSQL; never changed once
issued, a correction replacing one; emailed through the outbox without naming the service; a
patient's year of receipts as one PDF (issue 23)."""

import datetime
import io
import os
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connections, transaction
from pypdf import PdfReader

from booking import checkout, receipt_pdf, receipts
from booking.models import Appointment, Charge, Payment, Receipt
from booking.receipts import ReceiptRefused
from booking.rules import services
from emails.models import Email
from tests.booking.conftest import at, next_weekday

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def registered(booking_clinic, dana):
    booking_clinic.tax_number = "81234 5678 RT0001"
    booking_clinic.street_address = "418 Maple Grove Avenue"
    booking_clinic.save()
    dana.registration_number = "R-10482"
    dana.college = "College of Massage Therapists of Ontario"
    dana.save()
    return booking_clinic


def took_place(service, therapist, start, patient, desk):
    visit = services.request_appointment(
        service=service, therapist=therapist, start=start, patient=patient
    )
    services.confirm_appointment(appointment=visit, by=desk)
    return services.mark_arrived(appointment=visit, by=desk, now=start)


def paid(visit, clinic, desk, *, fee="100.00"):
    checkout.charge(visit, kind=Charge.Kind.FEE, amount=fee, by=desk, clinic=clinic)
    checkout.pay(visit, method=Payment.Method.CARD, amount=fee, by=desk)
    return visit


@pytest.fixture
def visit(massage, dana, registered, patient, front_desk_user):
    start = at(next_weekday(2), "10:00", registered.zone)
    return paid(
        took_place(massage, dana, start, patient, front_desk_user), registered, front_desk_user
    )


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_paid_visits_receipt_prints_what_an_insurer_needs(visit, registered, front_desk_user):
    receipt = receipts.issue(visit, by=front_desk_user, clinic=registered)
    text = text_of(bytes(receipt.pdf))
    local = visit.start.astimezone(registered.zone)
    for expected in (
        f"Receipt no. {receipt.number}",
        "Test Clinic",
        "418 Maple Grove Avenue",
        "Tax number: 81234 5678 RT0001",
        "Patient: Avery Chen",
        f"{local:%A, %B} {local.day}, {local.year}",
        "Deep tissue massage, 60 minutes",
        "Dana Whitfield, RMT",
        "registration no. R-10482",
        "College of Massage Therapists of Ontario",
        "100.00 CAD",
        "Card (at the terminal)",
    ):
        assert expected in text, expected


def test_an_unpaid_visit_has_no_receipt(massage, dana, registered, patient, front_desk_user):
    start = at(next_weekday(3), "10:00", registered.zone)
    visit = took_place(massage, dana, start, patient, front_desk_user)
    checkout.charge(
        visit, kind=Charge.Kind.FEE, amount="100", by=front_desk_user, clinic=registered
    )
    checkout.pay(visit, method=Payment.Method.CASH, amount="60", by=front_desk_user)
    with pytest.raises(ReceiptRefused, match="paid in full"):
        receipts.issue(visit, by=front_desk_user, clinic=registered)
    assert not Receipt.objects.exists()


def test_numbers_run_on_and_a_failed_issue_gives_its_number_back(
    visit, registered, front_desk_user, monkeypatch, massage, dana, patient
):
    first = receipts.issue(visit, by=front_desk_user, clinic=registered)

    def broken(details):
        raise RuntimeError("the PDF could not be made")

    monkeypatch.setattr(receipt_pdf, "render", broken)
    with pytest.raises(RuntimeError):
        receipts.issue(visit, by=front_desk_user, clinic=registered)
    monkeypatch.undo()
    second = receipts.issue(visit, by=front_desk_user, clinic=registered)
    assert second.number == first.number + 1  # no gap where the failure was


def test_a_correction_is_a_new_receipt_naming_the_one_it_replaces(
    visit, registered, front_desk_user
):
    first = receipts.issue(visit, by=front_desk_user, clinic=registered)
    checkout.charge(
        visit, kind=Charge.Kind.DISCOUNT, amount="10", reason="Loyalty card",
        by=front_desk_user, clinic=registered,
    )  # fmt: skip
    checkout.refund(
        visit, method=Payment.Method.CARD, amount="10", reason="Loyalty card", by=front_desk_user
    )
    # The first no longer says what was paid: it is not sent, nor claimed in the year's PDF.
    assert receipts.stale(first, checkout.account_of(visit))
    with pytest.raises(ReceiptRefused, match="issue a corrected receipt"):
        receipts.email(first, by=front_desk_user)
    year = visit.start.astimezone(registered.zone).year
    assert (
        receipts.year_of(visit.patient, year, clinic=registered, visible=Appointment.objects.all())
        is None
    )
    second = receipts.issue(visit, by=front_desk_user, clinic=registered)
    text = text_of(bytes(second.pdf))
    assert f"Replaces receipt no. {first.number}" in text
    assert "Discount: Loyalty card" in text
    first.refresh_from_db()
    assert "Loyalty card" not in text_of(bytes(first.pdf))  # the old one, as it was issued
    assert first.replaced_by == second
    with pytest.raises(ValueError, match="never changed"):
        first.save()
    with pytest.raises(ValueError, match="never changed"):
        Receipt.objects.filter(pk=first.pk).update(patient_name="Someone else")
    assert list(receipts.current(Receipt.objects.all())) == [second]


def test_two_clicks_give_a_receipt_and_its_correction_never_two_originals(
    visit, registered, front_desk_user
):
    first = receipts.issue(visit, by=front_desk_user, clinic=registered)
    second = receipts.issue(visit, by=front_desk_user, clinic=registered)
    assert (first.replaces, second.replaces) == (None, first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            number=second.number + 1, appointment=visit, patient_name="x", details={}, pdf=b"",
            issued_by=front_desk_user,
        )  # fmt: skip


def test_the_receipt_is_emailed_through_the_outbox_naming_no_service(
    visit, registered, front_desk_user
):
    receipt = receipts.issue(visit, by=front_desk_user, clinic=registered)
    mail.outbox.clear()
    receipts.email(receipt, by=front_desk_user)
    # Sent by the worker, which keeps no copy of what it sent (the PDF included).
    stored = Email.objects.get(kind="receipt")
    assert (stored.status, stored.attachments) == (Email.Status.SENT, [])
    [message] = mail.outbox
    assert message.to == ["avery@example.com"]
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"receipt-{receipt.number}.pdf", "application/pdf")
    assert f"Receipt no. {receipt.number}" in text_of(content)
    said = message.subject + message.body + message.alternatives[0][0]
    assert "massage" not in said.lower()
    assert f"receipt no. {receipt.number}" in message.body


def test_a_patients_year_of_receipts_is_one_pdf_of_those_still_valid(
    massage, dana, registered, patient, front_desk_user
):
    zone = registered.zone
    first_day = next_weekday(2)
    visits = [
        paid(
            took_place(massage, dana, at(first_day + datetime.timedelta(days=7 * n), "10:00", zone),
                       patient, front_desk_user),
            registered, front_desk_user,
        )
        for n in range(2)
    ]  # fmt: skip
    one = receipts.issue(visits[0], by=front_desk_user, clinic=registered)
    replaced = receipts.issue(visits[1], by=front_desk_user, clinic=registered)
    latest = receipts.issue(visits[1], by=front_desk_user, clinic=registered)
    record = visits[0].patient
    by_year = {}
    for receipt in (one, latest):
        year = receipt.appointment.start.astimezone(zone).year
        by_year.setdefault(year, []).append(receipt.number)
    for year, numbers in by_year.items():
        reader = PdfReader(
            io.BytesIO(
                receipts.year_of(record, year, clinic=registered, visible=Appointment.objects.all())
            )
        )
        assert [
            f"Receipt no. {n}" in page.extract_text()
            for page, n in zip(reader.pages, numbers, strict=True)
        ]
        assert len(reader.pages) == len(numbers)
        assert f"Receipt no. {replaced.number}\n" not in text_of(
            receipts.year_of(record, year, clinic=registered, visible=Appointment.objects.all())
        )
    assert (
        receipts.year_of(record, 1999, clinic=registered, visible=Appointment.objects.all()) is None
    )


def test_names_in_any_european_alphabet_print_as_written(
    massage, dana, registered, front_desk_user, patient
):
    if receipt_pdf._font()[0] != "DejaVu":
        if os.environ.get("CI") == "true":
            pytest.fail("DejaVu Sans is missing: .ci/run installs fonts-dejavu-core")
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core; CI installs it)")
    start = at(next_weekday(4), "10:00", registered.zone)
    visit = paid(
        took_place(massage, dana, start, patient, front_desk_user), registered, front_desk_user
    )
    type(visit).objects.filter(pk=visit.pk).update(patient_name="Łukasz Żółć-Ωmega")
    visit.refresh_from_db()
    receipt = receipts.issue(visit, by=front_desk_user, clinic=registered)
    assert "Łukasz Żółć-Ωmega" in text_of(bytes(receipt.pdf))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_take_every_number_once_with_no_gap(
    massage, dana, marcus, registered, patient, front_desk_user, monkeypatch
):
    zone = registered.zone
    day = next_weekday(2)
    visits = [
        paid(
            took_place(massage, therapist, at(day + datetime.timedelta(days=7 * n), "10:00", zone),
                       patient, front_desk_user),
            registered, front_desk_user,
        )
        for n in range(4)
        for therapist in (dana, marcus)
    ]  # fmt: skip
    barrier, numbers, errors = threading.Barrier(len(visits)), [], []
    # Hold each checkout open between taking its number and storing its receipt, as a slow PDF
    # would: without the counter's lock, two would take the same number.
    slow = receipts.details_of

    def slowly(*args, **kwargs):
        time.sleep(0.05)
        return slow(*args, **kwargs)

    monkeypatch.setattr(receipts, "details_of", slowly)

    def issue(visit):
        try:
            barrier.wait()
            numbers.append(receipts.issue(visit, by=front_desk_user, clinic=registered).number)
        except Exception as error:  # a failure is the test's to report
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(visit,)) for visit in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + len(visits)))
    assert Receipt.objects.count() == len(visits)
    assert sum(Decimal(r.details["paid"]) for r in Receipt.objects.all()) == 800


def test_without_dejavu_letters_outside_latin_1_print_as_their_nearest_plain_letter():
    assert receipt_pdf._latin_1("Łukasz Żółć – Zoë’s 陈") == "Lukasz Zólc - Zoë's ?"


def test_the_register_keeps_receipts_their_years_then_deletes_them_and_exports_them(
    visit, registered, front_desk_user
):
    from booking import personal_data as booking_data
    from clinic import personal_data

    checkout.charge(
        visit, kind=Charge.Kind.EXTRA, amount="5", reason="Asked by her husband Sam",
        by=front_desk_user, clinic=registered,
    )  # fmt: skip
    checkout.pay(visit, method=Payment.Method.CASH, amount="5", by=front_desk_user)
    receipt = receipts.issue(visit, by=front_desk_user, clinic=registered)
    again = receipts.issue(visit, by=front_desk_user, clinic=registered)
    exported = personal_data.export(booking_data.person(visit.patient))["money"]
    assert [(r["number"], r["replaced"]) for r in exported["receipts"]] == [
        (receipt.number, True), (again.number, False),
    ]  # fmt: skip
    assert [c["amount"] for c in exported["charges"]] == ["100.00", "5.00"]

    # Kept through the end of the visit's year plus the years the clinic keeps them.
    zone = registered.zone
    last_kept = visit.start.astimezone(zone).year + registered.receipts_kept_years
    personal_data.purge(registered, datetime.datetime(last_kept, 12, 31, 23, 59, tzinfo=zone))
    assert Receipt.objects.filter(pk=receipt.pk).exists()

    personal_data.purge(registered, datetime.datetime(last_kept + 1, 1, 1, 0, 1, tzinfo=zone))
    assert not Receipt.objects.exists()
    # The amounts stay; nothing the desk typed does, in any column.
    assert list(Charge.objects.values_list("amount", "reason")) == [
        (Decimal("100.00"), ""), (Decimal("5.00"), ""),
    ]  # fmt: skip
    assert "Sam" not in str(list(Charge.objects.values()) + list(Payment.objects.values()))


def test_the_deploy_check_warns_when_receipts_would_miss_letters(monkeypatch, tmp_path):
    monkeypatch.setattr(receipt_pdf, "FONT_PATHS", [tmp_path / "missing.ttf"])
    [warning] = receipt_pdf.font_is_installed()
    assert warning.id == "booking.W001"
    assert "fonts-dejavu-core" in warning.hint
