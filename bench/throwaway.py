"""A throwaway SQLite database for the in-process attack scripts (flood.py, attacks.py): the
demo clinic, migrated fresh in a temporary folder, never the developer's own database."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def set_up(name):
    """Point Django at a new database and media folder, set it up, migrate, load the demo."""
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix=f"clinic-{name}-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/{name}.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # Django's in-memory mail: what would be sent is counted
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
