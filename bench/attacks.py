"""The issue-17 attacks, measured again: one internet address for a while against the waitlist
and a patient's move link, and the sign-in link asked for while the mail server is down.

Usage: .venv/bin/python bench/attacks.py [--seconds 60]

On a throwaway SQLite database with the demo clinic, through the whole Django stack in this
process (middleware, forms, views, services, the limiter and the outbox). Emails are delivered
by the outbox to Django's in-memory backend, so each one that would have reached a mail server
is counted; with --seconds the waitlist and move floods each run that long.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.throwaway import set_up

set_up("attacks")

from django.core import mail  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import Appointment, SignInRequest, WaitlistEntry  # noqa: E402
from booking.request.selection import Selection  # noqa: E402
from booking.rules import availability, services  # noqa: E402
from clinic.models import Clinic, Service  # noqa: E402
from emails.models import Email  # noqa: E402

ATTACKER = "203.0.113.66"


def first_free(service, therapist, skip=0):
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    slots = availability.free_slots(
        clinic=clinic, service=service, therapists=[therapist],
        start_date=today + timezone.timedelta(days=3), end_date=today + timezone.timedelta(days=20),
    )  # fmt: skip
    return [slot.start for slot in slots][skip:]


def waitlist_flood(seconds, service, therapist, day):
    """Strangers' addresses signed up from one internet address, then a cancellation."""
    client = Client(REMOTE_ADDR=ATTACKER)
    selection = Selection(patient="new", service=service, therapist=therapist, day=day)
    sealed = selection.token()
    tries = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tries += 1
        client.post(reverse("booking:waitlist"), {
            "s": sealed, "email": f"stranger{tries}@example.com", "first_day": day.isoformat(),
            "last_day": day.isoformat(), "part_of_day": "any",
        })  # fmt: skip
    return tries


def move_flood(seconds, visit, starts):
    client = Client(REMOTE_ADDR=ATTACKER)
    url = reverse("booking:move", args=[visit.access_token])
    tries = moved = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = starts[tries % len(starts)]
        tries += 1
        before = Appointment.objects.get(pk=visit.pk).start
        selection = Selection(
            patient="new", service=visit.service, therapist=visit.therapist, start=start
        )
        client.post(url, {"s": selection.token()})
        moved += Appointment.objects.get(pk=visit.pk).start != before
    return tries, moved


def sign_in_while_mail_is_down(known, rounds=40):
    """Status codes and times for a known and an unknown address, SMTP refusing."""
    results = {}
    down = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}  # fmt: skip
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(MAILERS=down, TASKS=tasks):
        for label, email in (("known", known), ("unknown", "nobody@example.com")):
            codes, times = set(), []
            for n in range(rounds):
                client = Client(REMOTE_ADDR=f"198.51.100.{n % 250}")
                began = time.perf_counter()
                response = client.post(reverse("booking:sign_in"), {"email": email})
                times.append((time.perf_counter() - began) * 1000)
                codes.add(response.status_code)
            results[label] = (sorted(codes), statistics.median(times))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    service = Service.objects.get(slug="initial-assessment-and-treatment")
    therapist = service.therapists.active().first()
    starts = first_free(service, therapist)
    visit = services.request_appointment(
        service=service, therapist=therapist, start=starts[0],
        patient=services.PatientDetails(name="Real Patient", email="real@example.com",
                                        phone="+14165550123", is_new_patient=True, consented=True),
    )  # fmt: skip
    services.confirm_appointment(appointment=visit, by=None)
    day = starts[0].astimezone(Clinic.objects.current().zone).date()
    mail.outbox.clear()

    tries = waitlist_flood(args.seconds, service, therapist, day)
    entries = WaitlistEntry.objects.count()
    confirm_emails = len(mail.outbox)
    mail.outbox.clear()
    services.cancel_appointment(appointment=visit, by=None)
    print(
        f"Waitlist, {args.seconds} s from one address: {tries} sign-ups tried, {entries} stored, "
        f"{confirm_emails} confirmation emails (nothing typed in them); one cancellation then "
        f"sent {len(mail.outbox)} emails (patient and desk; no offer: nobody confirmed)."
    )

    other = services.request_appointment(
        service=service, therapist=therapist, start=starts[1],
        patient=services.PatientDetails(name="Mover", email="mover@example.com",
                                        phone="+14165550124", is_new_patient=True, consented=True),
    )  # fmt: skip
    mail.outbox.clear()
    tries, moved = move_flood(args.seconds, other, first_free(service, therapist, skip=2)[:8])
    print(
        f"Move link, {args.seconds} s from one address: {tries} moves tried, {moved} moved, "
        f"{len(mail.outbox)} emails sent."
    )

    Appointment.objects.filter(pk=other.pk).update(status=Appointment.Status.COMPLETED)
    mail.outbox.clear()
    for label, (codes, median) in sign_in_while_mail_is_down("mover@example.com").items():
        print(f"Sign-in link with the mail server down, {label} address: status {codes}, "
              f"median {median:.1f} ms")  # fmt: skip
    print(f"Sign-in asks waiting for the worker: {SignInRequest.objects.count()}; emails "
          f"waiting in the outbox: {Email.objects.filter(status=Email.Status.QUEUED).count()}")  # fmt: skip


if __name__ == "__main__":
    main()
