"""The checkout page (booking/admin/checkout.py): the desk charges and takes payments there, a
mistake is told next to its field with what was typed kept, and a therapist reads whether her
own visit is paid with no form (issue 23)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from booking import checkout, receipts
from booking.models import Charge, Receipt
from booking.rules import services
from tests.booking.conftest import at, next_weekday
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(massage, dana, booking_clinic, patient, front_desk_user):
    start = at(next_weekday(2), "10:00", booking_clinic.zone)
    appointment = services.request_appointment(
        service=massage, therapist=dana, start=start, patient=patient
    )
    services.confirm_appointment(appointment=appointment, by=front_desk_user)
    return services.mark_arrived(appointment=appointment, by=front_desk_user, now=start)


def page_of(visit):
    return reverse("admin:booking_appointment_checkout", args=[visit.pk])


def test_the_desk_charges_the_proposed_fee_and_takes_a_card_payment(client, front_desk_user, visit):
    client.force_login(front_desk_user)
    page = client.get(page_of(visit)).content.decode()
    assert "Fee: Deep tissue massage, 60 minutes" in page
    assert 'value="100.00"' in page  # the service's price, proposed
    assert "Nothing charged or paid yet." in page
    response = client.post(
        page_of(visit),
        {"action": "charge", "charge-kind": "fee", "charge-amount": "100.00", "charge-reason": ""},
        follow=True,
    )
    assert "fee of 100.00 charged" in response.content.decode()
    page = client.get(page_of(visit)).content.decode()
    assert 'value="100.00"' in page  # the payment form proposes what is owed
    response = client.post(
        page_of(visit),
        {"action": "pay", "payment-method": "card", "payment-amount": "100", "payment-reason": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "100.00 paid (card (at the terminal))" in page
    assert 'checkout-paid">Paid<' in page
    assert checkout.account_of(visit).status == "paid"


def test_a_mistake_is_told_beside_its_field_and_what_was_typed_is_kept(
    client, front_desk_user, visit, booking_clinic
):
    client.force_login(front_desk_user)
    checkout.charge(
        visit, kind=Charge.Kind.FEE, amount="100", by=front_desk_user, clinic=booking_clinic
    )
    response = client.post(
        page_of(visit),
        {"action": "pay", "payment-method": "cash", "payment-amount": "120", "payment-reason": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_payment-amount_error"' in page
    assert "That is more than is owed (100.00)." in page
    assert 'value="120"' in page
    response = client.post(
        page_of(visit),
        {"action": "charge", "charge-kind": "discount", "charge-amount": "10", "charge-reason": ""},
    )
    page = response.content.decode()
    assert 'id="id_charge-reason_error"' in page
    assert checkout.account_of(visit).charged == Decimal("100.00")


def test_her_therapist_reads_whether_the_visit_is_paid_and_cannot_take_money(
    client, visit, dana, booking_clinic, front_desk_user
):
    checkout.charge(
        visit, kind=Charge.Kind.FEE, amount="100", by=front_desk_user, clinic=booking_clinic
    )
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    page = client.get(page_of(visit)).content.decode()
    assert 'checkout-owing">Owing<' in page
    assert "Take the payment" not in page
    response = client.post(
        page_of(visit),
        {"action": "pay", "payment-method": "cash", "payment-amount": "100", "payment-reason": ""},
    )
    assert response.status_code == 403
    assert checkout.account_of(visit).paid == 0


def test_another_therapists_visit_is_not_found(client, visit, marcus):
    sign_in_as(client, "Therapists", username="marcus", therapist=marcus)
    assert client.get(page_of(visit)).status_code == 404


def pay_in_full(client, visit):
    client.post(
        page_of(visit),
        {"action": "charge", "charge-kind": "fee", "charge-amount": "100.00", "charge-reason": ""},
    )
    client.post(
        page_of(visit),
        {"action": "pay", "payment-method": "card", "payment-amount": "100", "payment-reason": ""},
    )


@pytest.mark.usefixtures("commits")
def test_the_desk_issues_prints_corrects_and_emails_the_receipt(client, front_desk_user, visit):
    client.force_login(front_desk_user)
    pay_in_full(client, visit)
    page = client.post(page_of(visit), {"action": "receipt"}, follow=True).content.decode()
    first = Receipt.objects.get()
    assert f"receipt no. {first.number} issued" in page
    pdf = client.get(reverse("admin:booking_appointment_receipt", args=[visit.pk, first.number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = client.post(page_of(visit), {"action": "receipt"}, follow=True).content.decode()
    second = Receipt.objects.get(replaces=first)
    assert f"receipt no. {second.number} issued, replacing no. {first.number}" in page
    assert f"replaced by no. {second.number}" in page
    mail.outbox.clear()
    page = client.post(page_of(visit), {"action": "email"}, follow=True).content.decode()
    assert f"receipt no. {second.number} emailed to avery@example.com" in page
    [message] = mail.outbox
    assert message.attachments[0][0] == f"receipt-{second.number}.pdf"


@pytest.mark.usefixtures("commits")
def test_a_clinic_that_emails_receipts_sends_one_when_the_visit_is_paid(
    client, front_desk_user, visit, booking_clinic
):
    booking_clinic.email_receipts = True
    booking_clinic.save()
    client.force_login(front_desk_user)
    mail.outbox.clear()
    pay_in_full(client, visit)
    receipt = Receipt.objects.get()
    assert [m.attachments[0][0] for m in mail.outbox] == [f"receipt-{receipt.number}.pdf"]


def test_a_therapist_cannot_open_a_receipt_or_the_years_receipts(
    client, visit, dana, front_desk_user, booking_clinic
):
    checkout.charge(
        visit, kind=Charge.Kind.FEE, amount="100", by=front_desk_user, clinic=booking_clinic
    )
    checkout.pay(visit, method="cash", amount="100", by=front_desk_user)
    receipt = receipts.issue(visit, by=front_desk_user, clinic=booking_clinic)
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    url = reverse("admin:booking_appointment_receipt", args=[visit.pk, receipt.number])
    assert client.get(url).status_code == 403
    year = visit.start.astimezone(booking_clinic.zone).year
    url = reverse("admin:booking_patient_receipts", args=[visit.patient_id, year])
    assert client.get(url).status_code == 403


def test_the_patient_record_offers_each_years_receipts_as_one_pdf(
    client, visit, front_desk_user, booking_clinic
):
    checkout.charge(
        visit, kind=Charge.Kind.FEE, amount="100", by=front_desk_user, clinic=booking_clinic
    )
    checkout.pay(visit, method="cash", amount="100", by=front_desk_user)
    receipts.issue(visit, by=front_desk_user, clinic=booking_clinic)
    client.force_login(front_desk_user)
    year = visit.start.astimezone(booking_clinic.zone).year
    record = client.get(
        reverse("admin:booking_patient_change", args=[visit.patient_id])
    ).content.decode()
    url = reverse("admin:booking_patient_receipts", args=[visit.patient_id, year])
    assert f'href="{url}">{year}</a>' in record
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert (
        client.get(
            reverse("admin:booking_patient_receipts", args=[visit.patient_id, year - 5])
        ).status_code
        == 404
    )


def test_the_desk_is_told_before_issuing_a_receipt_an_insurer_may_refuse(
    client, front_desk_user, visit, dana
):
    client.force_login(front_desk_user)
    pay_in_full(client, visit)
    page = client.get(page_of(visit)).content.decode()
    assert "Dana Whitfield&#x27;s registration number (Therapists)" in page
    dana.registration_number = "R-10482"
    dana.save()
    assert "registration number" not in client.get(page_of(visit)).content.decode()
