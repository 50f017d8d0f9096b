from django.core.management.base import BaseCommand

from booking.management.mail_check import refuse_unless_mail_is_sent
from booking.rules.services import send_due_reminders


class Command(BaseCommand):
    help = "Email the day-before reminder for confirmed visits. Run it every 15 minutes from cron."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-unsent-email",
            action="store_true",
            help="Run even though the email backend does not send (for trying it out).",
        )

    def handle(self, *args, **options):
        if not options["allow_unsent_email"]:
            refuse_unless_mail_is_sent("send_reminders")
        reminded = send_due_reminders()
        # References only: the output may end up in logs.
        for appointment in reminded:
            self.stdout.write(f"Reminded {appointment.reference}")
        self.stdout.write(f"{len(reminded)} reminder(s) queued.")
