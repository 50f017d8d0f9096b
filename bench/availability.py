"""Time `free_slots` for every therapist over 14 days, and write the same schedule for the peer.

Usage (bench/run.py runs it on the busy clinic's data):
    python bench/availability.py SCHEDULE.json [--runs 21]

Prints one JSON object: the median seconds for the whole 10 x 14 computation and the free times
found, as clinic wall-clock "HH:MM" per therapist and day, so they can be compared with what
django-appointment finds for the schedule written to SCHEDULE.json (bench/peer/).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DAYS = 14
# A visit as both systems see it: 60 minutes, no buffer of its own (django-appointment's gap
# setting pads both sides of every visit, ours pads after; booked visits keep their buffers).
DURATION = 60


def schedule(clinic, therapists, days, appointments, time_off):
    by_therapist = {therapist.pk: [] for therapist in therapists}
    for therapist_id, start, end in [*appointments, *time_off]:
        by_therapist[therapist_id].append({"start": start.isoformat(), "end": end.isoformat()})
    return {
        "zone": str(clinic.zone),
        "slot_step_minutes": clinic.slot_step_minutes,
        "service": {"duration_minutes": DURATION, "buffer_minutes": 0},
        "days": [day.isoformat() for day in days],
        "therapists": [
            {
                "id": therapist.pk,
                "name": therapist.name,
                "working_hours": [
                    {
                        "weekday": block.weekday,
                        "start": block.start_time.strftime("%H:%M"),
                        "end": block.end_time.strftime("%H:%M"),
                    }
                    for block in therapist.working_hours.all()
                ],
                "appointments": by_therapist[therapist.pk],
            }
            for therapist in therapists
        ],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("schedule", type=Path)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    django.setup()
    from django.db.models import Q
    from django.utils import timezone

    from booking.models import Appointment
    from booking.rules.availability import closures_by_date, free_slots
    from clinic.models import Clinic, Service, Therapist, TimeOff

    clinic = Clinic.objects.current()
    therapists = list(Therapist.objects.prefetch_related("working_hours").order_by("pk"))
    today = timezone.localdate(timezone=clinic.zone)
    first, last = today + datetime.timedelta(days=1), today + datetime.timedelta(days=DAYS)
    # Midnight today: tomorrow is past any notice, so both systems see whole days.
    now = datetime.datetime.combine(today, datetime.time(0), clinic.zone)
    service = Service(duration_minutes=DURATION, buffer_minutes=0)

    def compute():
        return free_slots(
            clinic=clinic, service=service, therapists=therapists,
            start_date=first, end_date=last, now=now,
        )  # fmt: skip

    slots = compute()  # warm: the first run compiles the queries
    durations = []
    for _ in range(args.runs):
        started = time.perf_counter()
        compute()
        durations.append(time.perf_counter() - started)

    closed = closures_by_date(first, last)
    days = [first + datetime.timedelta(days=n) for n in range(DAYS)]
    found = {str(t.pk): {d.isoformat(): [] for d in days if d not in closed} for t in therapists}
    for slot in slots:
        local = slot.start.astimezone(clinic.zone)
        found[str(slot.therapist_id)][local.date().isoformat()].append(local.strftime("%H:%M"))
    # Every visit on record that holds time, or held it: the peer keeps the same history.
    held = Q(status__in=Appointment.ACTIVE_STATUSES) | Q(hold_until__lte=now)
    appointments = Appointment.objects.filter(held).values_list(
        "therapist_id", "start", "hold_until"
    )
    time_off = TimeOff.objects.values_list("therapist_id", "start", "end")
    open_days = [day for day in days if day not in closed]  # the peer has no closures
    args.schedule.write_text(
        json.dumps(schedule(clinic, therapists, open_days, list(appointments), list(time_off)))
    )
    print(
        json.dumps(
            {
                "median_seconds": statistics.median(durations),
                "runs": args.runs,
                "therapists": len(therapists),
                "days": DAYS,
                "appointments_on_record": Appointment.objects.count(),
                "slots": found,
            }
        )
    )


if __name__ == "__main__":
    main()
