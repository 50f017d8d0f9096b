"""Playwright driving Debian's Chromium against Django's live server.

Without Chromium the browser tests skip with the reason; under CI=true a missing browser fails
the run instead, so CI can never pass without them.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.browser import staff

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls from
# async code would otherwise refuse the test's own database setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (browser tests must run in CI)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a patient would not want: console errors and third-party requests."""

    def __init__(self, page, live_server_url):
        self.own_host = urlsplit(live_server_url).hostname
        self.console_errors = []
        self.foreign_requests = []
        page.on("console", self._console)
        page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _request(self, request):
        host = urlsplit(request.url).hostname
        if host and host != self.own_host:
            self.foreign_requests.append(request.url)

    def assert_clean(self):
        assert self.console_errors == []
        assert self.foreign_requests == []


def _open_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.watch = PageWatch(page, live_server.url)
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _open_page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context, page = _open_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def any_page(request, browser, live_server):
    context, page = _open_page(browser, live_server, PHONE if request.param == "phone" else DESKTOP)
    yield page
    context.close()


def assert_accessible(page):
    """axe-core, run in the page itself, finds no violation. It waits for the page to have
    loaded: right after a click that navigates, axe would otherwise read a half-built page."""
    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def front_desk(browser, live_server):
    """The front desk signed in on the demo data, at 1366 px."""
    call_command("load_demo", password=staff.PASSWORD)
    context = browser.new_context(viewport=staff.ADMIN, base_url=live_server.url)
    page = context.new_page()
    staff.sign_in(page, "frontdesk")
    yield page
    context.close()
