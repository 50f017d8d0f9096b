from django.utils import timezone

from clinic.models import forget_read_clinic, read_clinic_for_this_request


def without_clinic(view_func):
    """Mark a view that must not touch the clinic record (the health check runs without it)."""
    view_func.without_clinic = True
    return view_func


class ClinicTimeZoneMiddleware:
    """Load the clinic record once per request and show every time in the clinic's zone.

    Staff enter schedules in clinic time in the admin and patients read times in clinic time, so
    the whole request runs in that zone; the database keeps UTC.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            forget_read_clinic()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "without_clinic", False):
            return
        # Read once for the whole request: every later Clinic.objects.current() (services,
        # emails, templates) is this record, not another query.
        request.clinic = read_clinic_for_this_request()
        timezone.activate(request.clinic.zone)


# Nothing on the site needs these browser features; saying so stops any embedded or injected
# code from asking the visitor for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "bluetooth", "serial",
        "hid", "accelerometer", "gyroscope", "magnetometer", "display-capture", "browsing-topics",
    )
)  # fmt: skip


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
