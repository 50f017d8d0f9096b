"""A live session for `make bench`, made in the bench's database, its key printed.

Usage (bench/run.py runs it): python bench/sessions.py visitor|staff

visitor: a patient mid-booking, with what she typed kept in her session (a draft), as anyone
is who goes back from her details to change the time. staff: the demo's front desk signed in,
as every member of staff is all day (the admin's pages are never kept for anyone).
"""

import os
import sys
from importlib import import_module
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    if sys.argv[1] == "staff":
        user = get_user_model().objects.get(username="frontdesk")
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    else:
        session["booking_draft"] = {"name": "Bench Visitor"}
    session.create()
    print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")


if __name__ == "__main__":
    main()
