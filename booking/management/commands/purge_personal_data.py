from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clinic import personal_data
from clinic.models import Clinic


class Command(BaseCommand):
    help = (
        "Remove personal data kept longer than promised, in every place the register of "
        "personal data lists (clinic/personal_data.py), and say what each keeps. Daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        clinic = Clinic.objects.current()
        with transaction.atomic():
            went = {
                holding.key: what for holding, what in personal_data.purge(clinic, timezone.now())
            }
            # The dry run does the very same work and takes it back, so it cannot say otherwise.
            transaction.set_rollback(dry_run)
        for holding in personal_data.holdings():
            self.stdout.write(f"{holding.title}: {holding.kept}")
            if holding.key in went:
                self.stdout.write(f"  {'would' if dry_run else 'done:'} {went[holding.key]}")
            elif holding.purged_by:
                self.stdout.write(f"  removed by {holding.purged_by}")
        if dry_run:
            self.stdout.write("Nothing changed.")
