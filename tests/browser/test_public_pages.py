import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from booking.request.selection import Selection
from clinic.models import Service, Therapist
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", password="browser-pass-1")
    return {
        "therapist": Therapist.objects.get(slug="dana-whitfield"),
        "service": Service.objects.get(slug="deep-tissue-massage"),
    }


def _public_paths(demo):
    return [
        "/",
        "/therapists/",
        demo["therapist"].get_absolute_url(),
        "/services/",
        demo["service"].get_absolute_url(),
        "/about/",
        "/book/",
        "/book/welcome-back/",
        Selection(patient="new", service=demo["service"], any_therapist=True).url(
            "booking:waitlist"
        ),
    ]


def test_every_public_page_passes_axe_and_fits_the_screen(any_page, demo):
    page = any_page
    for path in _public_paths(demo):
        assert page.goto(path).status == 200
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.watch.assert_clean()
    # Last, since the browser reports the 404 itself as a console error.
    assert page.goto("/no-such-page/").status == 404
    assert_accessible(page)


def test_portraits_load_as_webp_at_their_declared_size(desktop_page, demo):
    page = desktop_page
    page.goto(demo["therapist"].get_absolute_url())
    portrait = page.get_by_role("img", name="Illustrated portrait of Dana Whitfield")
    portrait.wait_for()
    loaded = portrait.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded
    assert ".webp" in portrait.evaluate("img => img.currentSrc")
    assert portrait.get_attribute("width") == "320"
    assert portrait.get_attribute("height") == "400"
    page.watch.assert_clean()


def test_a_keyboard_user_skips_to_the_content_and_reaches_a_therapist(phone_page, demo):
    page = phone_page
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the main content, tab to the first therapist and open the profile with the keyboard.
    link = page.get_by_role("link", name="Dana Whitfield, RMT")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Dana's profile link was never reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/therapists/dana-whitfield/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dana Whitfield, RMT"
    page.watch.assert_clean()


def test_a_patient_on_a_phone_goes_from_a_service_to_the_booking_page(phone_page, demo):
    page = phone_page
    page.goto("/services/")
    page.get_by_role("link", name="Deep tissue massage").click()
    page.wait_for_url("**/services/deep-tissue-massage/")
    assert page.get_by_text("60 minutes").first.is_visible()
    page.get_by_role("link", name="Request Deep tissue massage").click()
    page.wait_for_url(re.compile(r"/book/\?s=[\w-]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Request an appointment"
    expect(page.get_by_label("Deep tissue massage")).to_be_checked()
    page.watch.assert_clean()
