"""`manage.py send_article_digest`: run by the periodic timer (deploy/clinic-periodic.service)
every 15 minutes; sends only when the clinic's schedule says a digest is due."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.mailing import digest
from articles.mailing.models import Digest
from clinic.models import Clinic


class Command(BaseCommand):
    help = "Email confirmed subscribers the articles published since their last digest, when due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send now, whatever the schedule says."
        )

    def handle(self, *args, now=False, **options):
        clinic = Clinic.objects.current()
        moment = timezone.now()
        run = Digest(started_at=moment) if now else digest.due(clinic, moment)
        if run is None:
            self.stdout.write("No digest due.")
            return
        run = digest.send(clinic, run)
        self.stdout.write(
            f"Digest {run.pk}: {run.recipients} subscriber(s), {run.articles.count()} article(s)."
        )
