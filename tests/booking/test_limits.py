"""Nobody can hold the calendar or make the clinic a mail relay."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from booking.models import Appointment
from booking.notifications import EMAILS, build_email
from booking.rules import services
from clinic import limiter
from tests.booking.conftest import at
from tests.booking.test_views import DETAILS, hidden_choices
from tests.booking.test_views import chosen_time as chosen_time  # a fixture, shared

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(booking_clinic):
    booking_clinic.max_holds_per_contact = 2
    booking_clinic.max_requests_per_address_hour = 3
    booking_clinic.save()
    return booking_clinic


def ask(client, massage, dana, start, address="203.0.113.9", **details):
    """A whole request through the form, from one internet address."""
    data = {
        "patient": "new", "service": massage.pk, "therapist": "dana-whitfield",
        "start": start.isoformat(), **DETAILS, **details, "action": "submit",
    }  # fmt: skip
    return client.post(reverse("booking:details"), data, REMOTE_ADDR=address)


def starts(monday, zone, count):
    """Free times for Dana's 60-minute visits with 15 minutes' turnover, none overlapping."""
    clocks = ("09:00", "10:30", "13:00", "14:30", "16:00")
    return [at(monday, clock, zone) for clock in clocks[:count]]


def test_one_email_holds_at_most_the_clinics_limit_and_is_told_kindly(
    client, strict, massage, dana, monday
):
    first, second, third = starts(monday, strict.zone, 3)
    assert ask(client, massage, dana, first).status_code == 302
    assert ask(client, massage, dana, second, address="198.51.100.1").status_code == 302
    refused = ask(client, massage, dana, third, address="198.51.100.2", phone="416 555 0199")
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "You already have 2 coming visits requested or booked with us" in page
    assert 'value="avery@example.com"' in page  # nothing typed is lost
    assert Appointment.objects.count() == 2


def test_one_phone_counts_like_one_email(strict, massage, dana, monday, patient):
    for start in starts(monday, strict.zone, 2):
        patient.email = f"{start.hour}@example.com"
        services.request_appointment(service=massage, therapist=dana, start=start, patient=patient)
    patient.email = "new@example.com"
    with pytest.raises(services.RequestLimitReached):
        services.request_appointment(
            service=massage, therapist=dana, start=at(monday, "16:00", strict.zone), patient=patient
        )


def test_one_address_sends_at_most_the_hourly_limit_even_with_new_emails(
    client, strict, massage, dana, monday
):
    times = starts(monday, strict.zone, 4)
    for n, start in enumerate(times[:3]):
        response = ask(
            client,
            massage,
            dana,
            start,
            email=f"rotating-{n}@example.com",
            phone=f"416 555 01{n:02}",
        )
        assert response.status_code == 302
    refused = ask(
        client, massage, dana, times[3], email="rotating-9@example.com", phone="416 555 0188"
    )
    page = refused.content.decode()
    assert refused.status_code == 200  # the form again, with what was typed and why
    assert "many of these from your internet connection in the last hour" in page
    assert 'value="rotating-9@example.com"' in page
    assert Appointment.objects.count() == 3
    # Another address is not held back by this one.
    assert (
        ask(
            client,
            massage,
            dana,
            times[3],
            address="192.0.2.7",
            email="x@example.com",
            phone="416 555 0177",
        ).status_code
        == 302
    )


def test_staff_bookings_are_not_limited(strict, massage, dana, monday, front_desk_user):
    for start in starts(monday, strict.zone, 4):
        end = start + datetime.timedelta(hours=1)
        services.book_by_staff(
            appointment=Appointment(
                service=massage, therapist=dana, start=start, end=end, hold_until=end,
                patient_name="Caller", patient_email="", patient_phone="+14165550177",
            ),
            by=front_desk_user,
        )  # fmt: skip
    assert Appointment.objects.active().count() == 4


def test_the_honeypot_stops_a_script_and_books_nothing(
    client, booking_clinic, massage, dana, monday
):
    response = ask(
        client,
        massage,
        dana,
        at(monday, "10:00", booking_clinic.zone),
        website="https://spam.example",
    )
    assert "We could not send this request. Please call us" in response.content.decode()
    assert not Appointment.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name",
    [
        "URGENT: pay now at https://evil.example",
        "Visit www.spam.example",
        "<b>Avery</b>",
        "Avery buy-now.ru",
    ],
)
def test_names_with_links_or_markup_are_refused_next_to_the_field(client, chosen_time, name):
    data = {**hidden_choices(chosen_time), **DETAILS, "name": name, "action": "review"}
    page = client.post(reverse("booking:details"), data).content.decode()
    assert "Please enter just your name, without web addresses" in page


@pytest.mark.parametrize(
    "kind", sorted(kind for kind, spec in EMAILS.items() if spec["to"] == "patient")
)
def test_nothing_the_patient_typed_appears_in_the_emails_sent_to_them(
    booking_clinic, massage, dana, monday, patient, kind
):
    patient.name = "Zebulon Quixote"
    appointment = services.request_appointment(service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone), patient=patient)  # fmt: skip
    message = build_email(appointment, kind)
    text = "\n".join([message.subject, message.body, message.alternatives[0][0]])
    assert "Zebulon" not in text
    assert "Sore lower back" not in text


def test_the_client_key_is_a_keyed_hash_not_the_address():
    key = limiter.key("203.0.113.9")
    assert "203.0.113.9" not in key
    assert key == limiter.key("203.0.113.9")
    assert key != limiter.key("203.0.113.10")
    assert limiter.key("") == ""


def test_staff_see_a_flood_and_release_it_in_bulk_without_email(
    client, booking_clinic, massage, dana, marcus, monday, front_desk_user
):
    for n, start in enumerate(starts(monday, booking_clinic.zone, 4)):
        ask(client, massage, dana, start, email=f"flood-{n}@example.com", phone=f"416 555 02{n:02}")
    quiet = ask(client, massage, dana, at(monday, "09:00", booking_clinic.zone) + datetime.timedelta(days=1), address="192.0.2.50", email="real@example.com", phone="416 555 0299")  # fmt: skip
    assert quiet.status_code == 302
    mail.outbox.clear()
    client.force_login(front_desk_user)
    changelist = reverse("admin:booking_appointment_changelist")
    flagged = client.get(changelist, {"flood": "yes"}).context["cl"].result_list
    assert len(flagged) == 4
    assert "real@example.com" not in [a.patient_email for a in flagged]
    client.post(
        changelist, {"action": "release_selected", "_selected_action": [a.pk for a in flagged]}
    )
    assert Appointment.objects.filter(status="cancelled").count() == 4
    assert Appointment.objects.get(patient_email="real@example.com").status == "requested"
    assert mail.outbox == []  # nothing sent to addresses nobody has shown are real
