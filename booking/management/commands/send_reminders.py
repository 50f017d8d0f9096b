from django.core.management.base import BaseCommand

from booking.services import send_due_reminders


class Command(BaseCommand):
    help = "Email the day-before reminder for confirmed visits. Run it every 15 minutes from cron."

    def handle(self, *args, **options):
        reminded = send_due_reminders()
        # References only: the output may end up in logs.
        for appointment in reminded:
            self.stdout.write(f"Reminded {appointment.reference}")
        self.stdout.write(f"{len(reminded)} reminder(s) queued.")
