"""What the staff journeys share: the admin's screen size, signing in (and setting up two-factor
sign-in), a desk signed in at a frozen moment, counting clicks, and the screenshots for docs/."""

import base64
import datetime
import os
from contextlib import contextmanager
from pathlib import Path

import time_machine
from django.core import mail
from django.core.management import call_command
from django_otp.oath import TOTP

from clinic.models import Clinic

ADMIN = {"width": 1366, "height": 900}
PASSWORD = "browser-pass-1"  # the demo accounts' password in the browser tests
DOCS = Path(__file__).resolve().parents[2] / "docs"


def sign_in(page, username, password=PASSWORD):
    """Sign in, unless still signed in (the admin's login page then goes straight to /admin/)."""
    page.goto("/admin/login/")
    if page.url.endswith("/admin/"):
        return
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)


def set_up_two_factor(page):
    """On the two-factor page: what a person types into their app when they cannot scan (the
    key shown), then the app's code."""
    key = page.locator(".two-factor-key").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    page.get_by_label("6-digit code").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()


@contextmanager
def desk_at(browser, live_server, day, clock, username="frontdesk"):
    """A member of staff signed in on the demo data, the time frozen (ticking) at `clock` on
    `day` in the clinic's zone from before the demo loads; the mail outbox starts empty."""
    zone = Clinic.objects.current().zone
    with time_machine.travel(datetime.datetime.combine(day, clock, tzinfo=zone), tick=True):
        call_command("load_demo", password=PASSWORD)
        context = browser.new_context(viewport=ADMIN, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username)
        mail.outbox.clear()
        try:
            yield page
        finally:
            context.close()


class Clicks:
    """The clicks and typed fields a journey takes, counted where they happen: the issue sets
    bars on them."""

    def __init__(self):
        self.count = 0
        self.fields = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()

    def type(self, page, text):
        self.fields += 1
        page.keyboard.type(text)


def docs_screenshot(page, name):
    """The picture of a page in docs/, retaken only when asked (DOCS_SCREENSHOTS=1), so a test
    run leaves the working tree as it was."""
    if os.environ.get("DOCS_SCREENSHOTS"):
        page.screenshot(path=DOCS / name, full_page=True)
