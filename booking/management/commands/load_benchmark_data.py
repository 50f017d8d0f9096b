"""Data at scale, for `make bench` and the query-count tests: many therapists and services, and
a calendar full of requests, on top of the demo clinic."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from booking import availability, selectors, services
from clinic.models import Clinic, Service, Therapist

BOOKED_SERVICE = "initial-assessment-and-treatment"


class Command(BaseCommand):
    help = "Add COUNT therapists, COUNT services and up to COUNT requests to the demo clinic."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=200)

    def handle(self, *args, count, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("load_benchmark_data refuses to run with production settings.")
        try:
            model = Therapist.objects.get(slug="dana-whitfield")
            booked = Service.objects.get(slug=BOOKED_SERVICE)
        except (Therapist.DoesNotExist, Service.DoesNotExist) as error:
            raise CommandError("Load the demo first: manage.py load_demo") from error
        with transaction.atomic():
            add_catalogue(count, model)
        made = fill_calendar(booked, count)
        self.stdout.write(
            self.style.SUCCESS(f"Added {count} therapists, {count} services, {made} requests.")
        )


def add_catalogue(count, model):
    """`count` therapists like `model`, each offering a service of its own and `model`'s."""
    start = Therapist.objects.filter(slug__startswith="bench-therapist-").count()
    for n in range(start, start + count):
        therapist = Therapist.objects.create(
            name=f"Bench Therapist {n}", slug=f"bench-therapist-{n}",
            title="Registered Massage Therapist", short_bio="Benchmark data.",
        )  # fmt: skip
        therapist.specialties.set(model.specialties.all())
        service = Service.objects.create(
            name=f"Bench Service {n}", slug=f"bench-service-{n}", summary="Benchmark data.",
            duration_minutes=60, price=100,
        )  # fmt: skip
        service.therapists.set([therapist, model])


def fill_calendar(service, count):
    """Up to `count` requests over the coming two weeks, booked as patients would book them."""
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    therapists = {t.pk: t for t in selectors.therapists_for(service, is_new_patient=True)}
    slots = availability.free_slots(
        clinic=clinic, service=service, therapists=list(therapists.values()),
        start_date=today, end_date=today + datetime.timedelta(days=13),
    )  # fmt: skip
    made = 0
    for slot in slots[::2]:
        if made >= count:
            break
        # A patient each, as a real calendar has (one patient may hold only a few times).
        patient = services.PatientDetails(
            name=f"Bench Patient {made}", email=f"bench-{made}@example.com",
            phone=f"+1416555{made:04d}", is_new_patient=True, consented=True,
        )  # fmt: skip
        try:
            services.request_appointment(
                service=service, therapist=therapists[slot.therapist_id], start=slot.start,
                patient=patient,
            )  # fmt: skip
        except services.SlotUnavailable:
            continue  # an earlier request of this run already holds it
        made += 1
    return made
