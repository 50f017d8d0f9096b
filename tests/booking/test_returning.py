"""Returning patients book with a one-time emailed link that fills in their details."""

import dataclasses
import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking import returning
from booking.models import Appointment
from booking.request.selection import Selection
from booking.rules import services
from emails import outbox
from tests.booking.conftest import at
from tests.html import tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def seen(massage, dana, monday, booking_clinic, patient):
    """Avery has been booked here before and told us she is pregnant."""
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone),
        patient=dataclasses.replace(patient, screening={"pregnancy": True}),
    )  # fmt: skip
    services.confirm_appointment(appointment=visit, by=None)
    mail.outbox.clear()
    return visit


def ask_for_link(client, email):
    return client.post(reverse("booking:sign_in"), {"email": email}).content.decode()


def emailed_link(email="avery@example.com"):
    message = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"https?://[^/\s]+(/book/welcome-back/\S+/)", message.body).group(1)


def test_only_a_known_patient_gets_a_link_and_the_page_says_the_same_either_way(client, seen):
    known = ask_for_link(client, "Avery@Example.com")
    unknown = ask_for_link(client, "stranger@example.com")
    assert [m.to for m in mail.outbox] == [["avery@example.com"]]
    assert "Sore" not in mail.outbox[0].body
    strip = lambda page: page.replace("Avery@Example.com", "X").replace("stranger@example.com", "X")  # noqa: E731
    assert strip(known) == strip(unknown)


def test_a_link_works_once_and_not_after_half_an_hour(client, seen):
    ask_for_link(client, "avery@example.com")
    link = emailed_link()
    assert client.post(link)["Location"].startswith(reverse("booking:start"))
    assert client.post(link).status_code == 410
    assert client.get(link).status_code == 410
    mail.outbox.clear()
    ask_for_link(client, "avery@example.com")
    late = emailed_link()
    with time_machine.travel(timezone.now() + returning.VALID_FOR + datetime.timedelta(minutes=1)):
        assert client.get(late).status_code == 410
        assert client.post(late).status_code == 410


def test_opening_the_link_spends_nothing_only_the_button_signs_in(client, seen):
    """Mail scanners open links: a GET shows a button, and the link still works after it."""
    ask_for_link(client, "avery@example.com")
    link = emailed_link()
    for _ in range(3):
        page = client.get(link)
        assert page.status_code == 200
        assert "Continue to booking" in page.content.decode()
    assert client.post(link)["Location"].startswith(reverse("booking:start"))


def test_the_details_come_filled_in_and_the_last_answers_must_be_checked(
    client, seen, massage, dana, monday, booking_clinic
):
    ask_for_link(client, "avery@example.com")
    client.post(emailed_link())
    start = at(monday, "14:00", booking_clinic.zone).astimezone(datetime.UTC)
    selection = Selection(patient="returning", service=massage, therapist=dana, start=start)
    page = client.get(selection.url("booking:details")).content.decode()
    inputs = {a["name"]: a for t, a in tags(page, "input") if "name" in a}
    assert inputs["name"]["value"] == "Avery Chen"
    assert inputs["email"]["value"] == "avery@example.com"
    assert "checked" in inputs["screen_pregnancy"]
    assert "checked" not in inputs["screen_osteoporosis"]
    assert "checked" not in inputs["screen_bladder_bowel"]  # red flags are always asked afresh
    assert "Welcome back" in page

    data = {name: a.get("value", "") for name, a in inputs.items() if a.get("type") != "checkbox"}
    data |= {"screen_pregnancy": "on", "consent": "on", "action": "submit"}
    unchecked = client.post(reverse("booking:details"), data).content.decode()
    assert "Please check the health answers from your last visit" in unchecked
    assert Appointment.objects.count() == 1
    client.post(reverse("booking:details"), {**data, "answers_checked": "on"})
    made = Appointment.objects.exclude(pk=seen.pk).get()
    assert made.screening == {"pregnancy": True}
    assert made.patient_id == seen.patient_id
    # One request per sign-in: the next one starts blank.
    again = client.get(selection.url("booking:details")).content.decode()
    assert "Welcome back" not in again


def test_no_more_links_a_day_than_the_outbox_allows_one_address(client, seen):
    for _ in range(outbox.DAILY_CAP_BY_KIND["sign_in"] + 2):
        ask_for_link(client, "avery@example.com")
    assert len(mail.outbox) == outbox.DAILY_CAP_BY_KIND["sign_in"]


def test_asking_for_a_link_does_the_same_work_for_a_patient_and_a_stranger(client, seen, settings):
    """The web request only counts and stores the ask; the worker looks the address up and
    sends. So a mail server that is down, or slow, cannot tell anyone who is a patient here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    work = {}
    for email in ("avery@example.com", "stranger@example.com"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("booking:sign_in"), {"email": email})
        assert response.status_code == 200
        work[email] = [
            re.sub(r"'[^']*'|\b\d+\b|\"s\w+\"", "?", q["sql"]) for q in queries.captured_queries
        ]
    assert work["avery@example.com"] == work["stranger@example.com"]
    assert mail.outbox == []  # nothing sent while the visitor waited
