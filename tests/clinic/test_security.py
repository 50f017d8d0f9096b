"""Pages make no request to any third party and carry no inline script or style."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import ServiceFactory, TherapistFactory, image_upload
from tests.html import tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(clinic):
    therapist = TherapistFactory(photo=image_upload(), photo_alt="Portrait")
    service = ServiceFactory(therapists=[therapist])
    return [
        reverse("clinic:home"),
        reverse("clinic:about"),
        reverse("clinic:therapist_list"),
        therapist.get_absolute_url(),
        reverse("clinic:service_list"),
        service.get_absolute_url(),
        reverse("booking:start"),
        "/missing-page/",
    ]


def test_pages_send_a_strict_content_security_policy(client, public_urls):
    for url in public_urls:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_scripts_or_styles_and_load_nothing_from_elsewhere(
    client, public_urls
):
    for url in public_urls:
        html = client.get(url).content.decode()
        for tag, attrs in tags(html):
            assert "style" not in attrs, f"inline style on <{tag}> in {url}"
            assert not any(name.startswith("on") for name in attrs), f"handler on <{tag}> in {url}"
            if tag == "script" and attrs.get("type") != "application/ld+json":
                assert attrs.get("src"), f"inline script in {url}"
            assert tag not in {"iframe", "style", "object", "embed"}, f"<{tag}> in {url}"
            for attribute in ("src", "href", "srcset", "action"):
                for reference in attrs.get(attribute, "").split(","):
                    target = urlsplit(reference.strip().split(" ")[0])
                    if target.scheme in {"http", "https"}:
                        assert target.hostname == "testserver", f"{reference} in {url}"


def test_pages_turn_off_browser_features_the_site_never_uses(client, public_urls):
    for url in public_urls:
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy
        assert "geolocation=()" in policy


def test_a_staff_sign_in_ends_after_a_working_day_without_activity(client, front_desk_user):
    import datetime

    import time_machine
    from django.utils import timezone

    client.force_login(front_desk_user)
    admin = reverse("admin:index")
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(hours=9), tick=False):
        assert client.get(admin).status_code == 200  # still signed in; activity extends it
    with time_machine.travel(start + datetime.timedelta(hours=18), tick=False):
        assert client.get(admin).status_code == 200  # 9 hours after the last request
    with time_machine.travel(start + datetime.timedelta(hours=29), tick=False):
        response = client.get(admin)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
