import datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from emails import outbox
from emails.models import Email
from emails.testing import SentAroundTheOutbox

pytestmark = pytest.mark.django_db


def message(to="avery@example.com", subject="Your visit"):
    composed = EmailMessage(subject=subject, body="See you soon.", to=[to])
    composed.alternatives = []
    return composed


def test_an_email_leaves_once_the_change_commits_and_its_contents_are_not_kept(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.send(message(), kind="confirmed", about="appointment:7")
        assert mail.outbox == []  # not before the commit
    assert [sent.to for sent in mail.outbox] == [["avery@example.com"]]
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert (email.to, email.subject, email.text) == ("", "", "")
    assert email.recipient_key == outbox.recipient_key("Avery@Example.com ")


def _send_then_fail():
    with transaction.atomic():
        outbox.send(message(), kind="confirmed")
        raise RuntimeError("the booking failed")


def test_a_change_that_rolls_back_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _send_then_fail()
    assert mail.outbox == []
    assert not Email.objects.exists()


def test_one_address_gets_one_waitlist_offer_a_day_and_the_rest_are_held_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            outbox.send(message(), kind="waitlist_offer", about="waitlist:1")
        outbox.send(message("other@example.com"), kind="waitlist_offer")
    assert sorted(sent.to[0] for sent in mail.outbox) == ["avery@example.com", "other@example.com"]
    held = Email.objects.filter(status=Email.Status.HELD)
    assert held.count() == 2
    assert set(held.values_list("to", "subject")) == {("", "")}  # nothing kept of what was held


def test_the_cap_is_a_day_long_then_the_address_may_be_sent_again(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send(message(), kind="waitlist_offer", now=now)
        assert (
            outbox.send(message(), kind="waitlist_offer", now=now + datetime.timedelta(hours=23))
            is None
        )
        with time_machine.travel(now + datetime.timedelta(hours=25)):
            assert outbox.send(message(), kind="waitlist_offer") is not None
    assert len(mail.outbox) == 2


def test_emails_about_an_appointment_are_never_held_back(django_capture_on_commit_callbacks):
    """They must arrive: a confirmation or a reminder is never dropped for a busy address (the
    posts that cause them are limited instead)."""
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            outbox.send(message(), kind="sign_in")  # the address's day of sign-in links
        for kind in ["request_received", "confirmed", "moved", "reminder"] * 5:
            outbox.send(message(subject=kind), kind=kind, about="appointment:1")
    assert len(mail.outbox) == 3 + 20
    assert not Email.objects.filter(status=Email.Status.HELD).exists()


def test_an_email_sent_around_the_outbox_fails_the_tests():
    with pytest.raises(SentAroundTheOutbox):
        message().send()
    assert mail.outbox == []


def test_a_failed_email_about_no_visit_is_shown_to_the_front_desk_not_to_a_therapist(
    client, front_desk_user
):
    from booking.models import Appointment
    from tests.conftest import sign_in_as
    from tests.factories import ServiceFactory, TherapistFactory

    start = timezone.now() + datetime.timedelta(days=2)
    visit = Appointment.objects.create(
        service=ServiceFactory(), therapist=TherapistFactory(), start=start,
        end=start + datetime.timedelta(hours=1), hold_until=start + datetime.timedelta(hours=1),
        patient_name="Someone Else", patient_phone="+14165550111", status="cancelled",
    )  # fmt: skip
    # A waitlist entry's id that is also a visit's: its failure must not be shown as the visit's.
    for about, kind in (
        (f"appointment:{visit.pk}", "confirmed"),
        (f"waitlist:{visit.pk}", "waitlist_offer"),
    ):
        Email.objects.create(
            kind=kind, status=Email.Status.FAILED, recipient_key="k", about=about,
            finished_at=timezone.now(),
        )  # fmt: skip
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Not about a visit:" in page
    assert "waitlist offer" in page
    assert page.count("Someone Else") == 1  # the visit's own failed email, once
    sign_in_as(client, "Therapists", username="dana-user", therapist=TherapistFactory())
    assert "waitlist offer" not in client.get(reverse("admin:index")).content.decode()


def test_an_email_stuck_in_the_queue_past_every_retry_is_shown_to_staff(client, front_desk_user):
    from emails.tasks import STUCK_AFTER

    long_ago = timezone.now() - STUCK_AFTER - datetime.timedelta(minutes=1)
    Email.objects.create(kind="sign_in", recipient_key="k", about="patient:9", created_at=long_ago)
    Email.objects.create(kind="waitlist_offer", recipient_key="k", about="waitlist:9")  # just now
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "sign in" in page
    assert "waitlist offer" not in page  # still within its retries


def test_an_address_the_mail_server_refuses_fails_at_once_not_after_two_hours(settings):
    import smtplib
    from unittest import mock

    from emails.tasks import deliver

    refused = smtplib.SMTPRecipientsRefused({"avery@example.com": (550, b"no such user")})
    # As production runs it: a failure could be retried later, but this one will never mend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    email = outbox.send(message(), kind="confirmed", about="appointment:1")
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=refused),
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        deliver.call(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.FAILED, 1)
