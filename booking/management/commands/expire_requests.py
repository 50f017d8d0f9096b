from django.core.management.base import BaseCommand

from booking.services import expire_stale_requests


class Command(BaseCommand):
    help = (
        "Expire appointment requests staff did not answer within the clinic's request expiry, "
        "releasing their time and telling the patients. Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        expired = expire_stale_requests()
        # References only: the output may end up in logs.
        for appointment in expired:
            self.stdout.write(f"Expired {appointment.reference}")
        self.stdout.write(f"{len(expired)} request(s) expired.")
