from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string, module_has_submodule

from clinic import demo
from clinic.models import Clinic

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


class Command(BaseCommand):
    help = "Load the demo clinic (idempotent). Refuses to run with production settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Set this password on every demo staff account. Without it, new accounts get "
            f"{demo.DEFAULT_PASSWORD!r} and existing ones keep theirs.",
        )

    def handle(self, *args, password, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("load_demo refuses to run with production settings.")
        host = connection.settings_dict.get("HOST") or ""
        # A server shell may carry the production DATABASE_URL with development settings.
        if not (host in LOCAL_HOSTS or host.startswith("/")):
            raise CommandError(
                f"load_demo refuses to write demo content to the database at {host}: only a "
                "database on this machine (a local socket, localhost) may get it."
            )
        # The clinic's own date, as its pages count days, not the server's UTC one.
        today = timezone.localdate(timezone=Clinic.objects.current().zone)
        with transaction.atomic():
            accounts = demo.load(password=password, today=today)
            # Other apps add their own demo content through a `demo.load(today=...)` function;
            # clinic does not import them, so they are found through the app registry.
            for config in apps.get_app_configs():
                if config.name != "clinic" and module_has_submodule(config.module, "demo"):
                    import_string(f"{config.name}.demo.load")(today=today)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write("Demo staff logins at /admin/:")
        for username, role, new_password in accounts:
            shown = f"password {new_password}" if new_password else "password unchanged"
            self.stdout.write(f"  {username:<10} {role:<18} {shown}")
