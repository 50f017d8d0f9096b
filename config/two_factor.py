"""Two-factor sign-in for staff: a password, then a code from an authenticator app (TOTP).

django-otp keeps the devices and checks the codes (with its own throttling after wrong ones);
this module says who must use it and walks a person through setting it up. Each staff member
may turn it on for themselves; the owner can require it of everyone (Clinic.require_two_factor),
after which nobody reaches the admin until they have set it up and signed in with a code.
"""

import base64

import segno
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import Clinic

DEVICE_NAME = "Authenticator app"


def issuer(device):
    """The name the authenticator app shows next to the codes: the clinic's."""
    clinic = Clinic.objects.first()
    return clinic.name if clinic else "Clinic staff"


def is_on(user):
    return user_has_device(user, confirmed=True)


def is_required():
    return Clinic.objects.current().require_two_factor


def pending_step(request):
    """Where a signed-in staff member must go before anything else in the admin, or None.

    Anyone with an app must have used it for this session; when the owner requires it, anyone
    without one must set it up first.
    """
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff) or user.is_verified():
        return None
    if is_on(user) or is_required():
        return reverse("admin:two_factor")
    return None


def device_to_set_up(user):
    """The unconfirmed device whose secret the person is adding to their app (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device):
    """The otpauth:// address as an inline SVG QR code, made here: the secret never leaves."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


WRONG_CODE = "That code is not right or has expired. Enter the newest one."
WAIT = "Too many wrong codes in a row: wait a few seconds, then enter the newest code."


def match(user, token, *, confirmed=True):
    """(the device a code belongs to, None) or (None, why not). Codes are often typed "123 456".
    django-otp makes each try after a wrong code wait longer; a try too soon is refused."""
    token = "".join((token or "").split())
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=confirmed))
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        return None, WAIT
    for device in devices:
        if device.verify_token(token):
            return device, None
    return None, WRONG_CODE


def verify(request, token):
    """Check a code against the person's app (confirming the app, when this is its set-up) and
    mark the session as signed in with two factors. Returns None, or why the code was refused."""
    user = request.user
    device, error = match(user, token, confirmed=is_on(user))
    if device is None:
        return error
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return None


def manual_key(device):
    """The secret as apps ask for it when typed instead of scanned: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
