"""Time django-appointment's own available-slot computation on one of our schedules.

Runs inside its own virtualenv built from bench/peer/requirements.txt, never the project's:

    python bench/peer/django_appointment_bench.py SCHEDULE.json [--runs N]

The schedule (therapists, weekly working hours, one service, appointments) is loaded into
django-appointment's models in a throwaway SQLite database; then, for every therapist x day of
the file, we call ``appointment.services.get_available_slots_for_staff`` -- the function the
package's booking page calls through its ``available_slots/`` AJAX view -- and report the
median wall time of the whole grid over several runs, the slots, and how its semantics map to
ours. Exactly one JSON object is written to stdout.
"""

import argparse
import datetime as dt
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connections

# Enough clients to look like a real practice without making user creation dominate setup.
CLIENT_POOL_SIZE = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schedule", type=Path, help="schedule JSON produced by our side")
    parser.add_argument("--runs", type=int, default=7, help="timed repetitions of the grid")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def parse_hhmm(text):
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def to_minutes(value):
    return value.hour * 60 + value.minute


def configure_django(schedule, db_path):
    """Minimal in-process project: only the apps django-appointment's models need."""
    step = schedule["slot_step_minutes"]
    all_blocks = [b for t in schedule["therapists"] for b in t["working_hours"]]
    settings.configure(
        DEBUG=False,  # DEBUG would record every SQL query and slow the timed loop
        SECRET_KEY="bench-only",
        USE_TZ=True,
        # Its slot code compares naive wall-clock times with timezone.localtime(), so the
        # project's zone must be the clinic's.
        TIME_ZONE=schedule["zone"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "appointment",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_path)}},
        # Its Config is read through the cache on every call; in-process memory is the
        # fastest cache a real deployment could give it.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        # Global fallbacks read at import time by appointment.settings. The staff path
        # overrides them per staff member, but keep them consistent with the schedule.
        APPOINTMENT_SLOT_DURATION=step,
        APPOINTMENT_BUFFER_TIME=0,
        APPOINTMENT_LEAD_TIME=divmod(
            min(to_minutes(parse_hhmm(b["start"])) for b in all_blocks), 60
        ),
        APPOINTMENT_FINISH_TIME=divmod(
            max(to_minutes(parse_hhmm(b["end"])) for b in all_blocks), 60
        ),
    )
    django.setup()
    # The 3.12.0 wheel ships no migrations, so its tables come from run_syncdb.
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)


def to_their_weekday(python_weekday):
    """Python's weekday() has Monday=0; django-appointment's WorkingHours uses Sunday=0."""
    return (python_weekday + 1) % 7


def local_pieces(start_iso, end_iso, zone):
    """Split an appointment into (date, start_time, end_time) per local calendar day.

    Its AppointmentRequest stores one date plus naive wall-clock times, so an appointment
    that crosses local midnight cannot be one row; the part after midnight becomes its own.
    """
    start = dt.datetime.fromisoformat(start_iso).astimezone(zone).replace(tzinfo=None)
    end = dt.datetime.fromisoformat(end_iso).astimezone(zone).replace(tzinfo=None)
    pieces = []
    while start < end:
        next_midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
        if end <= next_midnight:
            # Ending exactly at midnight still has to be stored on the start's date.
            end_time = end.time() if end < next_midnight else dt.time.max
            pieces.append((start.date(), start.time(), end_time))
            break
        pieces.append((start.date(), start.time(), dt.time.max))
        start = next_midnight
    return pieces


def load_schedule(schedule):
    """Create the schedule in django-appointment's models; returns what the timed loop needs."""
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Config,
        Service,
        StaffMember,
        Unavailability,
        WorkingHours,
    )
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    zone = ZoneInfo(schedule["zone"])
    step = schedule["slot_step_minutes"]
    buffer_minutes = schedule["service"].get("buffer_minutes", 0)
    days = [dt.date.fromisoformat(d) for d in schedule["days"]]
    therapists = schedule["therapists"]
    findings = {"split_days": 0, "off_grid_blocks": 0, "midnight_splits": 0}

    # Config is a singleton whose save() forces pk=1. default_to_service_duration makes the
    # service's duration (not the slot step) the window each candidate start must keep free.
    Config(
        slot_duration=step,
        appointment_buffer_time=0,
        default_to_service_duration=True,
        slot_gap_time=buffer_minutes or None,
        lead_time=dt.time(*settings.APPOINTMENT_LEAD_TIME),
        finish_time=dt.time(*settings.APPOINTMENT_FINISH_TIME),
    ).save()
    service = Service.objects.create(
        name="Bench service",
        duration=dt.timedelta(minutes=schedule["service"]["duration_minutes"]),
        price=0,
        use_service_duration_as_slot=True,
    )

    # Users carry an unusable password marker: hashing hundreds of passwords would only slow setup.
    staff_users = user_model.objects.bulk_create(
        user_model(
            username=f"therapist-{t['id']}", first_name=t["name"], password="!", is_staff=True
        )
        for t in therapists
    )
    clients = user_model.objects.bulk_create(
        user_model(username=f"client-{n}", email=f"client-{n}@example.com", password="!")
        for n in range(CLIENT_POOL_SIZE)
    )

    staff_members = StaffMember.objects.bulk_create(
        StaffMember(
            user=user,
            # The slot step: its candidate starts advance by slot_duration.
            slot_duration=step,
            # appointment_buffer_time is a lead time from *now*, not a gap between
            # appointments; 0 keeps only "not in the past". Set on the staff member (rather
            # than left to the Config fallback) so each call skips that lookup.
            appointment_buffer_time=0,
            # Same reasoning: an explicit per-staff gap avoids the Config fallback.
            slot_gap_time=buffer_minutes,
            work_on_saturday=any(b["weekday"] == 5 for b in t["working_hours"]),
            work_on_sunday=any(b["weekday"] == 6 for b in t["working_hours"]),
        )
        for t, user in zip(therapists, staff_users, strict=True)
    )
    StaffMember.services_offered.through.objects.bulk_create(
        StaffMember.services_offered.through(staffmember=sm, service=service)
        for sm in staff_members
    )

    # WorkingHours is unique per (staff, weekday): one span per day. A day split into several
    # blocks becomes the span from the first start to the last end, and each gap becomes an
    # Unavailability on every listed date with that weekday (its per-date blocking feature).
    working_hours, unavailabilities = [], []
    for t, sm in zip(therapists, staff_members, strict=True):
        by_weekday = {}
        for block in t["working_hours"]:
            by_weekday.setdefault(block["weekday"], []).append(
                (parse_hhmm(block["start"]), parse_hhmm(block["end"]))
            )
        for weekday, blocks in by_weekday.items():
            blocks.sort()
            working_hours.append(
                WorkingHours(
                    staff_member=sm,
                    day_of_week=to_their_weekday(weekday),
                    start_time=blocks[0][0],
                    end_time=max(end for _, end in blocks),
                )
            )
            if len(blocks) > 1:
                findings["split_days"] += 1
            for (_, gap_start), (gap_end, _) in itertools.pairwise(blocks):
                # Its grid steps from the span's start only, not from each block's start.
                if (to_minutes(gap_end) - to_minutes(blocks[0][0])) % step:
                    findings["off_grid_blocks"] += 1
                if gap_start < gap_end:
                    unavailabilities.extend(
                        Unavailability(
                            staff_member=sm,
                            date=day,
                            start_time=gap_start,
                            end_time=gap_end,
                            description="Between working blocks",
                        )
                        for day in days
                        if day.weekday() == weekday
                    )
    # bulk_create skips WorkingHours.save(), which would only set the weekend flags set above.
    WorkingHours.objects.bulk_create(working_hours)
    Unavailability.objects.bulk_create(unavailabilities)

    requests = []
    for t, sm in zip(therapists, staff_members, strict=True):
        for appt in t["appointments"]:
            pieces = local_pieces(appt["start"], appt["end"], zone)
            findings["midnight_splits"] += len(pieces) - 1
            requests.extend(
                AppointmentRequest(
                    date=day,
                    start_time=start,
                    end_time=end,
                    service=service,
                    staff_member=sm,
                    payment_type="full",
                )
                for day, start, end in pieces
            )
    # bulk_create also bypasses AppointmentRequest.save(), which refuses past dates: most
    # of the history is in the past, as it would be after two years of real bookings.
    requests = AppointmentRequest.objects.bulk_create(requests, batch_size=2000)
    appointments = Appointment.objects.bulk_create(
        (
            Appointment(
                client=clients[n % len(clients)], appointment_request=ar, paid=True, amount_to_pay=0
            )
            for n, ar in enumerate(requests)
        ),
        batch_size=2000,
    )

    staff_by_id = {t["id"]: sm for t, sm in zip(therapists, staff_members, strict=True)}
    findings["appointments"] = len(appointments)
    return service, staff_by_id, days, findings


def time_slot_grid(service, staff_by_id, days, runs):
    """Run the booking page's slot computation for every therapist x day, ``runs`` times."""
    from appointment.services import get_available_slots_for_staff
    from appointment.utils.db_helpers import get_weekday_num_from_date

    def grid():
        result = {}
        for therapist_id, staff_member in staff_by_id.items():
            per_day = result[str(therapist_id)] = {}
            for day in days:
                # What views.get_available_slots_ajax passes: its own weekday number.
                weekday_num = get_weekday_num_from_date(day)
                slots = get_available_slots_for_staff(
                    day, staff_member, weekday_num, service=service
                )
                per_day[day.isoformat()] = [slot.strftime("%H:%M") for slot in slots]
        return result

    # One untimed pass warms Django's caches (query compilation, the cached Config) the way
    # any long-running server would have them; it is also the answer we check runs against.
    reference = grid()
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = grid()
        durations.append(time.perf_counter() - started)
        if answer != reference:
            raise RuntimeError("django-appointment returned different slots between runs")
    return statistics.median(durations), reference


def describe(schedule, days, findings):
    """Honest summary of how the schedule maps onto django-appointment's semantics."""
    step = schedule["slot_step_minutes"]
    duration = schedule["service"]["duration_minutes"]
    buffer_minutes = schedule["service"].get("buffer_minutes", 0)
    notes = [
        "Timed appointment.services.get_available_slots_for_staff(date, staff, weekday, "
        "service=...), the call behind its booking page's available_slots/ AJAX view; "
        "staff and service objects are loaded once outside the timer, the view's request/"
        "JSON handling is not timed; one untimed warm-up pass.",
        f"Mapped: step -> StaffMember.slot_duration={step} (candidates advance from the day's "
        f"working-hours start); duration -> Service.duration={duration} with "
        "Config.default_to_service_duration (last start = end - max(step, duration), window "
        "[start, start + max(step, duration)) must overlap no appointment); weekday numbers "
        "converted (its WorkingHours use 0=Sunday); appointments stored as local-date + "
        "naive wall-clock AppointmentRequests in the clinic zone; no days off in the input.",
        "It also runs several ORM queries per call and fetches each appointment's request "
        "separately (no select_related), which is part of its real cost.",
    ]
    if duration < step:
        notes.append(
            f"Differs: duration {duration} < step {step}, so it keeps the whole "
            "step free, not just the service duration."
        )
    if buffer_minutes:
        notes.append(
            f"Differs: buffer {buffer_minutes} min mapped to slot_gap_time, which "
            "is symmetric (also forbids starting within the gap after an "
            "appointment or a between-block gap ends); ours only pads after the "
            "new appointment."
        )
    if findings["split_days"]:
        notes.append(
            f"{findings['split_days']} weekday(s) with several blocks: its "
            "WorkingHours allow one span per weekday, so gaps became per-date "
            "Unavailability rows."
        )
    if findings["off_grid_blocks"]:
        notes.append(
            f"Differs: {findings['off_grid_blocks']} later block(s) start off its "
            "grid (it steps only from the day's first start)."
        )
    if findings["midnight_splits"]:
        notes.append(
            f"{findings['midnight_splits']} appointment part(s) after local "
            "midnight stored as extra rows."
        )
    zone = ZoneInfo(schedule["zone"])
    shifting = [
        d
        for d in days
        if dt.datetime.combine(d, dt.time(), zone).utcoffset()
        != dt.datetime.combine(d, dt.time.max, zone).utcoffset()
    ]
    if shifting:
        notes.append(
            f"{len(shifting)} day(s) change UTC offset: its naive wall-clock arithmetic "
            "ignores the shift, so slots spanning it differ from elapsed-time semantics."
        )
    today = dt.datetime.now(zone).date()
    if min(days) <= today:
        notes.append("Differs: some days are today or past; it offers no start before now.")
    return " ".join(notes)


def main():
    args = parse_args()
    schedule = json.loads(args.schedule.read_text())

    # django-appointment's loggers write to sys.stdout; keep stdout for our one JSON object.
    real_stdout, sys.stdout = sys.stdout, sys.stderr
    with tempfile.TemporaryDirectory(prefix="django-appointment-bench-") as tmp:
        configure_django(schedule, Path(tmp) / "bench.sqlite3")
        service, staff_by_id, days, findings = load_schedule(schedule)
        median, slots = time_slot_grid(service, staff_by_id, days, args.runs)
        notes = describe(schedule, days, findings)
        # Close the connection before the temporary directory (and its file) goes away.
        connections.close_all()

    sys.stdout = real_stdout
    json.dump(
        {"median_seconds": median, "runs": args.runs, "slots": slots, "notes": notes}, sys.stdout
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
