from django.core.management.base import BaseCommand

from booking.management.mail_check import refuse_unless_mail_is_sent
from booking.rules.services import expire_stale_requests


class Command(BaseCommand):
    help = (
        "Expire appointment requests staff did not answer within the clinic's request expiry, "
        "releasing their time and telling the patients. Run it every few minutes from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-unsent-email",
            action="store_true",
            help="Run even though the email backend does not send (for trying it out).",
        )

    def handle(self, *args, **options):
        if not options["allow_unsent_email"]:
            refuse_unless_mail_is_sent("expire_requests")
        expired = expire_stale_requests()
        # References only: the output may end up in logs.
        for appointment in expired:
            self.stdout.write(f"Expired {appointment.reference}")
        self.stdout.write(f"{len(expired)} request(s) expired.")
