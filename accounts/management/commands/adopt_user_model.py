"""Move an installation made before accounts.User onto it, keeping every account.

accounts.User uses the very table Django's own user model did (auth_user, same columns), so no
row moves: the database is only told that the table now belongs to accounts. Run it once,
after deploying this version and before `migrate`. Running it again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from accounts.models import User


class Command(BaseCommand):
    help = "Adopt the auth_user table of an installation from before accounts.User."

    def handle(self, *args, **options):
        recorder = MigrationRecorder(connection)
        if not recorder.has_table():
            raise CommandError("This database has no migrations yet: just run `migrate`.")
        applied = recorder.applied_migrations()
        if ("accounts", "0001_initial") in applied:
            self.stdout.write("Nothing to do: accounts.User is already in place.")
            return
        if User._meta.db_table not in connection.introspection.table_names():
            raise CommandError("There is no auth_user table to adopt: just run `migrate`.")
        with transaction.atomic():
            recorder.record_applied("accounts", "0001_initial")
            # Permissions and admin history point at the content type: relabel it, not a copy.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE django_content_type SET app_label = %s "
                    "WHERE app_label = %s AND model = %s",
                    ["accounts", "auth", "user"],
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Adopted auth_user ({User.objects.count()} accounts kept). Now run `migrate`."
            )
        )
