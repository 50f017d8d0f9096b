"""A busy clinic on top of the demo, for `make bench`: 10 therapists, 200 articles and 20,000
appointments over two years (the figures of issue 11), so every page and the availability
benchmark run against the data a clinic has after two years, not a fresh demo."""

import datetime
import random
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from booking.models import Appointment, Patient
from booking.rules.availability import busy_by_therapist, dates, wall_clock_instant
from clinic.models import Clinic, Service, Therapist, WorkingHours

# The newcomers work a split day, Monday to Friday, as many clinic therapists do.
NEW_HOURS = [(datetime.time(9), datetime.time(13)), (datetime.time(14), datetime.time(19))]
PAST_YEARS, FUTURE_DAYS = 2, 30  # two years of calendar (by default), the coming month booked
FUTURE_FILL = 0.5  # the coming month is half booked, so patients still find times
HOLD = datetime.timedelta(minutes=75)  # the longest 60-minute visit plus its buffer
PATIENTS = 3000
PATIENT_NAME = "Bench Patient"
PAST_STATUSES = [("completed", 86), ("cancelled", 9), ("no_show", 3), ("expired", 2)]
FUTURE_STATUSES = [("confirmed", 7), ("requested", 3)]


class Command(BaseCommand):
    help = "Grow the demo clinic to a busy clinic's size (therapists, articles, appointments)."

    def add_arguments(self, parser):
        parser.add_argument("--therapists", type=int, default=10)
        parser.add_argument("--articles", type=int, default=200)
        parser.add_argument("--appointments", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument(
            "--years", type=int, default=PAST_YEARS,
            help="Years of history the appointments spread over (more, for more appointments).",
        )  # fmt: skip

    def handle(self, *args, therapists, articles, appointments, seed, years, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("load_benchmark_data refuses to run with production settings.")
        if not Article.objects.exists() or not Therapist.objects.exists():
            raise CommandError("Load the demo first: manage.py load_demo")
        chance = random.Random(seed)
        with transaction.atomic():
            add_therapists(therapists)
            add_articles(articles)
            made = add_appointments(appointments - Appointment.objects.count(), chance, years)
        self.stdout.write(
            self.style.SUCCESS(
                f"The clinic now has {Therapist.objects.count()} therapists, "
                f"{Article.objects.count()} articles and {Appointment.objects.count()} appointments"
                f" ({made} added)."
            )
        )


def add_therapists(total):
    """Therapists up to `total`, each offering every service a demo therapist offers to all."""
    services = Service.objects.filter(therapists__isnull=False).distinct()
    model = Therapist.objects.order_by("pk").first()
    for n in range(Therapist.objects.count(), total):
        therapist = Therapist.objects.create(
            name=f"Bench Therapist {n}", slug=f"bench-therapist-{n}",
            title="Registered Massage Therapist", short_bio="Benchmark data.",
            photo=model.photo,
        )  # fmt: skip
        therapist.specialties.set(model.specialties.all())
        therapist.services.set(services)
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=therapist, weekday=day, start_time=start, end_time=end)
            for day in range(5)
            for start, end in NEW_HOURS
        )


def add_articles(total):
    """Articles up to `total`: the demo's, under new titles, published over two years."""
    demo = list(Article.objects.filter(status=Article.Status.PUBLISHED).order_by("pk"))
    now = timezone.now()
    for n in range(Article.objects.count(), total):
        model = demo[n % len(demo)]
        article = Article.objects.create(
            title=f"{model.title} ({n})", slug=f"bench-article-{n}", summary=model.summary,
            body=model.body, hero_image=model.hero_image, hero_alt=model.hero_alt,
            author_therapist=model.author_therapist, reviewer=model.reviewer,
            reviewed_on=model.reviewed_on, status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=3 * n),
        )  # fmt: skip
        article.topics.set(model.topics.all())


def add_appointments(total, chance, years=PAST_YEARS):
    """`total` appointments from `years` ago to a month ahead, on every therapist's hours.

    Each working block is cut into back-to-back holds, so no two overlap (PostgreSQL's
    constraint would refuse them); the past takes what the coming month leaves.
    """
    if total <= 0:
        return 0  # already that busy (a second run)
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    past, future = [], []
    blocks = defaultdict(list)
    for block in WorkingHours.objects.select_related("therapist"):
        blocks[block.weekday].append(block)
    # Every visit already there keeps its time (the demo's, or an earlier run's history).
    taken = busy_by_therapist(
        Appointment.objects.values_list("therapist_id", "start", "hold_until")
    )
    first_day = today - datetime.timedelta(days=round(350 * years))
    for day in dates(first_day, today + datetime.timedelta(days=FUTURE_DAYS)):
        for block in blocks[day.weekday()]:
            start = wall_clock_instant(day, block.start_time, clinic.zone, boundary="start")
            end = wall_clock_instant(day, block.end_time, clinic.zone, boundary="end")
            while start + HOLD <= end:
                if not taken[block.therapist_id].overlaps(start, start + HOLD):
                    (past if day <= today else future).append((block.therapist, start))
                start += HOLD
    # A second run (more history, for availability over ten times the years) leaves the coming
    # month as the first one booked it, so the free times to find stay the same.
    coming_filled = Appointment.objects.filter(
        start__gte=timezone.now(), patient__name__startswith=PATIENT_NAME
    ).exists()
    fill = 0 if coming_filled else int(len(future) * FUTURE_FILL)
    booked = chance.sample(future, min(total, fill))
    if len(past) < total - len(booked):
        raise CommandError(
            f"The working hours hold only {len(past) + len(booked)} visits: give more --years."
        )
    booked += chance.sample(past, total - len(booked))
    patients = Patient.objects.bulk_create(
        Patient(name=f"{PATIENT_NAME} {n}", email=f"bench-{n}@example.com") for n in range(PATIENTS)
    )
    services = {
        therapist.pk: list(therapist.services.filter(duration_minutes__lte=60)) for therapist in
        Therapist.objects.prefetch_related("services")
    }  # fmt: skip
    now = timezone.now()
    rows = []
    for therapist, start in booked:
        service = chance.choice(services[therapist.pk])
        patient = chance.choice(patients)
        statuses = PAST_STATUSES if start < now else FUTURE_STATUSES
        status = chance.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        end = start + datetime.timedelta(minutes=service.duration_minutes)
        rows.append(
            Appointment(
                service=service, therapist=therapist, patient=patient, start=start, end=end,
                hold_until=end + datetime.timedelta(minutes=service.buffer_minutes),
                status=status, patient_name=patient.name, patient_email=patient.email,
                is_new_patient=False, consent_at=start - datetime.timedelta(days=7),
                created_at=start - datetime.timedelta(days=7),
                requested_at=start - datetime.timedelta(days=7),
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
