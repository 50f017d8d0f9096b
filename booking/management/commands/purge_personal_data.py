from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import retention
from clinic.models import Clinic


class Command(BaseCommand):
    help = (
        "Anonymise appointments kept longer than the clinic's retention policy (visits after "
        "'keep visit records', requests that never happened and ended waitlist entries after 'keep requests'). Daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        clinic = Clinic.objects.current()
        now = timezone.now()
        due = retention.due_for_purge(clinic=clinic, now=now)
        waiting = retention.waitlist_due_for_removal(clinic=clinic, now=now)
        if dry_run:
            self.stdout.write(
                f"Would anonymise {due.count()} appointment(s) and remove {waiting.count()} "
                "waitlist entry(ies). Nothing changed."
            )
            return
        appointments, patients = retention.purge(due)
        removed, _ = waiting.delete()
        self.stdout.write(
            f"Anonymised {appointments} appointment(s); removed {patients} patient record(s) "
            f"and {removed} waitlist entry(ies)."
        )
