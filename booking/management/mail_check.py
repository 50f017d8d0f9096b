"""Commands that email patients must not run where email goes nowhere."""

from django.conf import settings
from django.core.management.base import CommandError

# Print, drop or write to files: nothing reaches a patient. (Tests keep mail in memory: locmem.)
NOWHERE = ("console", "dummy", "filebased")


def refuse_unless_mail_is_sent(command_name):
    """Raise CommandError when the email backend would print, keep or drop the emails: the
    command would mark them sent and they would be lost (run it with production settings)."""
    backend = settings.MAILERS["default"]["BACKEND"]
    if any(f".{name}." in backend for name in NOWHERE):
        raise CommandError(
            f"{command_name} would not really send email: the email backend is {backend}. "
            "Run it with DJANGO_SETTINGS_MODULE=config.settings.production (and its "
            "environment file), or pass --allow-unsent-email to try it out."
        )
