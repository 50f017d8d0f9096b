"""Two-factor sign-in for staff (config/two_factor.py, config/admin.py)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import FRONT_DESK, OWNER
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.html import tags

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # UserFactory's
LOGIN = "/admin/login/?next=/admin/"


def code_for(device):
    """The code the person's app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def desk(clinic):
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    return user


@pytest.fixture
def desk_app(desk):
    return TOTPDevice.objects.create(user=desk, name="Authenticator app", confirmed=True)


def sign_in(client, **extra):
    return client.post(LOGIN, {"username": "desk", "password": PASSWORD, **extra})


def field_error(response, field):
    """The error shown in the same form row as `field`."""
    page = response.content.decode()
    row = re.search(rf'<div class="form-row">(?:(?!</div>).)*name="{field}"', page, re.S)
    return re.sub(r"<[^>]+>", "", row.group(0)).strip() if row else ""


def test_without_an_app_a_password_is_enough_unless_the_owner_requires_more(client, desk):
    response = sign_in(client)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_an_app_the_sign_in_needs_its_code(client, desk, desk_app):
    missing = sign_in(client)
    assert missing.status_code == 200
    assert "Enter the 6-digit code your authenticator app shows." in field_error(
        missing, "otp_token"
    )
    assert 'value="desk"' in missing.content.decode()  # what was typed is kept
    wrong = sign_in(client, otp_token="000000" if code_for(desk_app) != "000000" else "111111")
    assert "That code is not right or has expired" in field_error(wrong, "otp_token")
    assert client.get("/admin/").status_code == 302  # still signed out
    # Straight after a wrong code, django-otp makes the next try wait a moment, and says so.
    hasty = sign_in(client, otp_token=code_for(desk_app))
    assert "wait a few seconds" in field_error(hasty, "otp_token")

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        code = code_for(desk_app)
        right = sign_in(client, otp_token=f"{code[:3]} {code[3:]}")
    assert right.status_code == 302
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.is_verified()


def test_a_session_without_the_code_is_sent_to_enter_it(client, desk, desk_app):
    client.force_login(desk)  # e.g. signed in before the app was set up elsewhere
    response = client.get("/admin/booking/appointment/")
    assert response["Location"] == reverse("admin:two_factor")
    page = client.get(reverse("admin:two_factor")).content.decode()
    assert "Enter the code your authenticator app shows to continue." in page
    done = client.post(reverse("admin:two_factor"), {"code": code_for(desk_app)})
    assert done["Location"] == reverse("admin:index")
    assert client.get("/admin/booking/appointment/").status_code == 200


def test_when_the_owner_requires_it_staff_set_up_an_app_before_anything_else(client, desk, clinic):
    clinic.require_two_factor = True
    clinic.save()
    assert sign_in(client).status_code == 302
    for page in ("/admin/", "/admin/booking/appointment/", "/admin/clinic/clinic/1/change/"):
        assert client.get(page)["Location"] == reverse("admin:two_factor")
    setup = client.get(reverse("admin:two_factor")).content.decode()
    assert "The clinic requires two-factor sign-in" in setup
    assert "<svg" in setup  # the QR code, drawn here: the secret goes to no other site
    device = TOTPDevice.objects.get(user=desk, confirmed=False)
    key = re.search(r'class="two-factor-key">([A-Z2-7 ]+)<', setup).group(1)
    assert len(key.replace(" ", "")) == 32

    wrong = client.post(reverse("admin:two_factor"), {"code": "12345"})
    assert "That code is not right or has expired" in field_error(wrong, "code")
    assert not TOTPDevice.objects.filter(user=desk, confirmed=True).exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        done = client.post(reverse("admin:two_factor"), {"code": code_for(device)})
    assert done["Location"] == reverse("admin:index")
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # The next sign-in asks for the code.
    client.logout()
    assert "Enter the 6-digit code" in field_error(sign_in(client), "otp_token")
    # A code is good once: the next sign-in uses the app's next code, 30 seconds on.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=40)):
        assert sign_in(client, otp_token=code_for(device)).status_code == 302


def test_only_the_owner_can_require_it(client, clinic):
    sign_in_as(client, FRONT_DESK, username="frontdesk")
    page = client.get("/admin/clinic/clinic/1/change/").content.decode()
    assert not [a for t, a in tags(page, "input") if a.get("name") == "require_two_factor"]
    assert "Require two-factor sign-in for all staff" in page
    client.logout()
    sign_in_as(client, OWNER, username="owner")
    page = client.get("/admin/clinic/clinic/1/change/").content.decode()
    assert [a for t, a in tags(page, "input") if a.get("name") == "require_two_factor"]


def test_the_sign_in_form_helps_phones_fill_in_the_code(client):
    page = client.get(LOGIN).content.decode()
    code = next(a for t, a in tags(page, "input") if a.get("name") == "otp_token")
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"


def test_the_owner_can_remove_a_lost_phone_so_its_owner_sets_up_again(client, desk, desk_app):
    sign_in_as(client, OWNER, username="owner")
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "Authenticator app" in listing
    client.post(f"/admin/otp_totp/totpdevice/{desk_app.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=desk).exists()


def test_nobody_reads_another_staff_members_authenticator_key_in_the_admin(client, desk):
    device = TOTPDevice.objects.create(user=desk, name="phone", confirmed=True)
    owner = sign_in_as(client, OWNER, username="owner-reads")
    owner.is_superuser = True
    owner.save()
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(f"admin:{name}", args=[device.pk])).status_code == 403
        # A made-up device is refused the same way, never a server error.
        assert client.get(reverse(f"admin:{name}", args=[device.pk + 100])).status_code == 403
