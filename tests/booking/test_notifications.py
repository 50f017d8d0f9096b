import dataclasses
import datetime
import socket
import time

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from booking.models import Appointment
from booking.notifications import EMAILS, build_email
from booking.rules import services
from tests.booking.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

HEALTH_WORDS = ["Sore lower back", "moving house", "pregnan", "Pregnan", "Deep tissue", "screening"]


@pytest.fixture
def appointment(massage, dana, monday, patient, booking_clinic):
    booking_clinic.street_address = "1 Main Street"
    booking_clinic.save()
    return services.request_appointment(
        service=massage,
        therapist=dana,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )


def all_text(message):
    parts = [message.subject, message.body, *(content for content, _ in message.alternatives)]
    parts += [
        attachment[1].decode() if isinstance(attachment[1], bytes) else attachment[1]
        for attachment in message.attachments
    ]
    return "\n".join(parts)


@pytest.mark.parametrize("kind", sorted(EMAILS))
def test_no_email_carries_health_details(appointment, kind):
    text = all_text(build_email(appointment, kind))
    for word in HEALTH_WORDS:
        assert word not in text, (kind, word)


def test_patient_emails_give_the_time_in_clinic_time_and_the_private_link(appointment, monday):
    message = build_email(appointment, "request_received")
    assert message.subject == "Your appointment request at Test Clinic"
    assert message.to == ["avery@example.com"]
    assert f"{monday:%A, %B} {monday.day}, {monday.year}, 10:00 AM" in message.body
    assert "(America/Toronto time)" in message.body
    assert f"http://testserver/book/appointment/{appointment.access_token}/" in message.body
    html = message.alternatives[0][0]
    assert f'href="http://testserver/book/appointment/{appointment.access_token}/"' in html


def test_the_clinic_inbox_is_told_when_a_patient_cancels_and_not_when_staff_do(
    appointment, front_desk_user
):
    mail.outbox.clear()
    services.cancel_appointment(appointment=appointment)
    to_clinic = [m for m in mail.outbox if m.to == ["desk@test-clinic.example"]]
    assert [m.subject for m in to_clinic] == [
        f"Appointment {appointment.reference} cancelled by the patient"
    ]
    assert f"/admin/booking/appointment/{appointment.pk}/change/" in to_clinic[0].body
    assert "Avery" not in to_clinic[0].subject
    assert [m.to for m in mail.outbox if m not in to_clinic] == [["avery@example.com"]]


def test_a_cancellation_by_staff_sends_the_clinic_no_copy(appointment, front_desk_user):
    mail.outbox.clear()
    services.cancel_appointment(appointment=appointment, by=front_desk_user, message="Sorry")
    assert [m.to for m in mail.outbox] == [["avery@example.com"]]


def test_the_clinic_is_told_of_a_new_request_with_a_link_to_the_admin(appointment):
    message = build_email(appointment, "new_request")
    assert message.to == ["desk@test-clinic.example"]
    assert appointment.reference in message.subject
    assert f"/admin/booking/appointment/{appointment.pk}/change/" in message.body
    assert "Avery" not in message.subject


def test_the_confirmation_carries_a_calendar_file_in_clinic_time(appointment, monday):
    message = build_email(appointment, "confirmed")
    name, content, mimetype = message.attachments[0]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Appointment at Test Clinic"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Toronto"
    assert start == appointment.start
    assert start.hour == 10
    assert event.decoded("DTEND") - start == datetime.timedelta(minutes=60)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Toronto"
    assert "Deep tissue" not in str(content)
    # It survives a round trip through the parser unchanged.
    assert Calendar.from_ical(calendar.to_ical()).to_ical() == calendar.to_ical()


def test_a_request_through_the_service_sends_both_emails(appointment):
    assert sorted(m.to[0] for m in mail.outbox) == ["avery@example.com", "desk@test-clinic.example"]


# --- A real SMTP server on loopback -------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def smtp_mailers(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def test_emails_really_go_out_over_smtp(
    smtp_server, massage, dana, monday, patient, booking_clinic
):
    controller, inbox = smtp_server
    with override_settings(MAILERS=smtp_mailers(controller.port)):
        services.request_appointment(
            service=massage,
            therapist=dana,
            start=at(monday, "13:00", booking_clinic.zone),
            patient=patient,
        )
    assert sorted(envelope.rcpt_tos[0] for envelope in inbox.messages) == [
        "avery@example.com",
        "desk@test-clinic.example",
    ]
    raw = b"".join(envelope.content for envelope in inbox.messages).decode()
    assert "Subject: Your appointment request at Test Clinic" in raw
    assert "Sore lower back" not in raw


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_TASK = "emails.tasks.deliver"
# The database-backed worker commits its own transactions and closes its connection, as in
# production: these tests keep real ones.
WORKER = pytest.mark.django_db(transaction=True)


@WORKER
def test_a_down_mail_server_delays_the_email_but_loses_neither_booking_nor_email(
    smtp_server, massage, dana, monday, patient, booking_clinic
):
    controller, inbox = smtp_server
    down = free_port()  # nothing listens here
    with override_settings(TASKS=DB_TASKS, MAILERS=smtp_mailers(down)):
        appointment = services.request_appointment(
            service=massage,
            therapist=dana,
            start=at(monday, "14:00", booking_clinic.zone),
            patient=patient,
        )
        assert Appointment.objects.filter(pk=appointment.pk, status="requested").exists()
        assert DBTaskResult.objects.ready().filter(task_path=EMAIL_TASK).count() == 2
        call_command("db_worker", "--batch", "--no-startup-delay")
        # Both failed to send and were queued again for later, with ids only.
        retries = DBTaskResult.objects.filter(status="READY")
        assert retries.count() == 2
        assert all(task.run_after > timezone.now() for task in retries)
        assert all(set(task.args_kwargs["kwargs"]) == {"email_id", "attempt"} for task in retries)
    assert inbox.messages == []
    # The mail server is back; the retries are due.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    with override_settings(TASKS=DB_TASKS, MAILERS=smtp_mailers(controller.port)):
        call_command("db_worker", "--batch", "--no-startup-delay")
    deadline = time.monotonic() + 5
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(envelope.rcpt_tos[0] for envelope in inbox.messages) == [
        "avery@example.com",
        "desk@test-clinic.example",
    ]


def test_a_cancellation_carries_a_calendar_cancellation_for_the_same_event(appointment):
    confirmed_ics = Calendar.from_ical(build_email(appointment, "confirmed").attachments[0][1])
    services.cancel_appointment(
        appointment=appointment, now=appointment.start - datetime.timedelta(days=3)
    )
    appointment.refresh_from_db()
    name, content, mimetype = build_email(appointment, "cancelled").attachments[0]
    assert name == "appointment.ics"
    assert "method=CANCEL" in mimetype
    cancelled = Calendar.from_ical(content)
    event = cancelled.walk("VEVENT")[0]
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(confirmed_ics.walk("VEVENT")[0]["UID"])
    assert int(event["SEQUENCE"]) > int(confirmed_ics.walk("VEVENT")[0]["SEQUENCE"])


@pytest.mark.parametrize("kind", sorted(EMAILS))
def test_plain_text_is_not_html_escaped_and_html_still_is(appointment, booking_clinic, kind):
    name = 'Maple & Birch <Massage> "Clinic" O\'Neil'
    booking_clinic.name = name
    booking_clinic.save()
    message = build_email(appointment, kind)
    if EMAILS[kind]["to"] == "patient":
        assert name in message.subject
    assert name in message.body
    assert "&amp;" not in message.subject + message.body
    html = message.alternatives[0][0]
    assert "Maple &amp; Birch &lt;Massage&gt;" in html
    assert "<Massage>" not in html


def test_the_retry_window_is_the_two_hours_the_readme_promises():
    from emails.tasks import MAX_ATTEMPTS, retry_delay

    window = sum((retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)), datetime.timedelta())
    assert window == datetime.timedelta(minutes=123)


@WORKER
def test_an_email_that_fails_for_good_is_logged_and_shown_to_staff(
    massage, dana, monday, patient, booking_clinic, front_desk_user, client, caplog
):
    from emails.tasks import MAX_ATTEMPTS

    down = free_port()
    with override_settings(TASKS=DB_TASKS, MAILERS=smtp_mailers(down)):
        appointment = services.request_appointment(
            service=massage, therapist=dana, start=at(monday, "14:00", booking_clinic.zone), patient=patient
        )  # fmt: skip
        for _ in range(MAX_ATTEMPTS):
            DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
            call_command("db_worker", "--batch", "--no-startup-delay")
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    given_up = [r.getMessage() for r in caplog.records if "failed for good" in r.getMessage()]
    assert any(
        f"(request_received about appointment:{appointment.pk}) failed for good after {MAX_ATTEMPTS} attempts"
        in message
        for message in given_up
    )
    assert all("avery" not in message.lower() for message in given_up)  # ids only in the log
    client.force_login(front_desk_user)
    board = client.get(reverse("admin:index")).context["dashboard"]
    assert {kind for _, kind, _ in board.undelivered} == {"request_received", "new_request"}


@WORKER
def test_an_hour_without_a_mail_server_then_every_email_goes_out_once_in_order(
    smtp_server, massage, dana, monday, patient, booking_clinic
):
    """The worker runs every minute of an hour in which SMTP refuses; then the server is back."""
    controller, inbox = smtp_server
    started = timezone.now()
    down = smtp_mailers(free_port())
    with override_settings(TASKS=DB_TASKS, MAILERS=down):
        requested = [
            services.request_appointment(
                service=massage,
                therapist=dana,
                start=at(monday, hour, booking_clinic.zone),
                patient=dataclasses.replace(patient, email=f"patient{n}@example.com"),
            )
            for n, hour in enumerate(["09:00", "11:00", "14:00"])
        ]
    with time_machine.travel(started, tick=False) as clock:
        for minute in range(0, 181):
            clock.move_to(started + datetime.timedelta(minutes=minute, seconds=30))
            mailers = down if minute < 60 else smtp_mailers(controller.port)
            with override_settings(TASKS=DB_TASKS, MAILERS=mailers):
                call_command("db_worker", "--batch", "--no-startup-delay")
            if minute < 60:
                assert inbox.messages == []
            elif len(inbox.messages) == 6:
                break
        deadline = time.monotonic() + 5
        while len(inbox.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
    # Each email exactly once, the patients' in the order they asked, after the hour was over.
    patients = [env.rcpt_tos[0] for env in inbox.messages if env.rcpt_tos[0].startswith("patient")]
    assert patients == ["patient0@example.com", "patient1@example.com", "patient2@example.com"]
    desk = [env.content.decode() for env in inbox.messages if env.rcpt_tos[0].startswith("desk")]
    assert [next(a.reference for a in requested if a.reference in body) for body in desk] == [
        a.reference for a in requested
    ]
    assert minute < 64  # the retry after the outage came within the promised back-off
    assert DBTaskResult.objects.filter(status="READY").count() == 0


@pytest.mark.parametrize("kind", ["request_received", "confirmed", "reminder", "moved"])
def test_emails_about_a_coming_visit_say_price_time_to_allow_what_to_bring_and_where(
    appointment, booking_clinic, kind
):
    booking_clinic.visit_preparation = "Loose clothing, please."
    booking_clinic.directions = "Take the subway to Main."
    booking_clinic.save()
    message = build_email(appointment, kind)
    html = message.alternatives[0][0]
    allow = appointment.service.duration_minutes + 15  # a new patient comes 15 minutes early
    for text in (message.body, html):
        assert f"${appointment.service.price}" in text
        assert f"bout {allow} minutes" in text
        assert "Loose clothing, please." in text
        assert "1 Main Street" in text
        assert "Take the subway to Main." in text
        assert "https://www.openstreetmap.org/search?query=1+Main+Street" in text
        assert f"{booking_clinic.cancellation_notice_hours} hours before" in text
    assert f"/book/appointment/{appointment.access_token}/" in message.body
    assert appointment.service.name not in message.subject


def test_the_moved_email_gives_the_old_and_the_new_time(appointment, monday, booking_clinic):
    services.move_appointment(
        appointment=appointment,
        therapist=appointment.therapist,
        start=at(monday, "14:00", booking_clinic.zone),
        by=None,
    )
    body = build_email(Appointment.objects.get(pk=appointment.pk), "moved").body
    assert f"from {monday:%A, %B} {monday.day}, {monday.year}, 10:00 AM" in body
    assert f"When:      {monday:%A, %B} {monday.day}, {monday.year}, 2:00 PM" in body
