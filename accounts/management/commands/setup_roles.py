from django.core.management.base import BaseCommand

from accounts.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create the staff roles (Front desk, Therapists, Editors) with their permissions."

    def handle(self, *args, **options):
        ensure_roles(verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"Staff roles ready: {', '.join(ROLES)}."))
