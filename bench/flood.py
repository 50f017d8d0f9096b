"""How much of the calendar can one client hold? (issue: abuse limits)

Usage: .venv/bin/python bench/flood.py [--seconds 60]

On a throwaway SQLite database with the demo clinic and its default booking policy, one client
(one internet address) posts requests for every free time it can find, as fast as it can, for
the given time: first with one email address, then with a new email and phone on every try.
It goes through the whole Django stack (middleware, form, view, services) in this process and
counts what it got: holds in the calendar and emails the clinic would have sent.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.throwaway import set_up

set_up("flood")

from django.core import mail  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import Appointment  # noqa: E402
from booking.rules import availability  # noqa: E402
from clinic.models import Clinic, Service  # noqa: E402


def free_starts(service):
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    return availability.free_slots(
        clinic=clinic, service=service, therapists=list(service.therapists.active()),
        start_date=today, end_date=today + timezone.timedelta(days=clinic.booking_horizon_days),
    )  # fmt: skip


def flood(seconds, *, rotate):
    client = Client(REMOTE_ADDR="203.0.113.66")
    service = Service.objects.get(slug="initial-assessment-and-treatment")
    Appointment.objects.all().delete()
    mail.outbox.clear()
    tries = 0
    deadline = time.monotonic() + seconds
    slots = iter(free_starts(service))
    while time.monotonic() < deadline:
        slot = next(slots, None)
        if slot is None:
            break
        tries += 1
        data = {
            "patient": "new", "service": service.pk, "therapist": "any",
            "start": slot.start.isoformat(), "name": "Flood Test",
            "email": f"flood-{tries}@example.com" if rotate else "flood@example.com",
            "phone": f"416 555 {tries % 10000:04d}" if rotate else "416 555 0100",
            "consent": "on", "action": "submit",
        }  # fmt: skip
        client.post(reverse("booking:details"), data)
    holds = Appointment.objects.active().count()
    to_patients = sum(1 for m in mail.outbox if m.to != [Clinic.objects.current().email])
    return tries, holds, len(mail.outbox), to_patients


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--without-limits", action="store_true", help="lift the policy, for a figure to compare"
    )
    args = parser.parse_args()
    clinic = Clinic.objects.current()
    if args.without_limits:
        clinic.max_holds_per_contact = clinic.max_requests_per_address_hour = 30000
        clinic.save()
    total = len(free_starts(Service.objects.get(slug="initial-assessment-and-treatment")))
    print(
        f"Policy: {clinic.max_holds_per_contact} coming requests per email or phone, "
        f"{clinic.max_requests_per_address_hour} requests per address per hour. "
        f"Free start times in the horizon: {total}."
    )
    for label, rotate in (("one email", False), ("a new email and phone every try", True)):
        tries, holds, emails, to_patients = flood(args.seconds, rotate=rotate)
        print(
            f"{args.seconds}s from one address, {label}: {tries} tries, {holds} holds, "
            f"{emails} emails ({to_patients} to the 'patient' addresses)."
        )


if __name__ == "__main__":
    main()
