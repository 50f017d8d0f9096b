"""Booking a caller: the patient search on the add form, and the record's details its script
fills in when the desk picks someone (name, email, phone, new or returning, last service)."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from booking.admin import params
from booking.models import Patient
from booking.rules import selectors, visits
from clinic.models import Clinic

SEARCH_HINT = "Search by name, email or phone"


class PatientSearch(AutocompleteSelect):
    """The admin's autocomplete, its empty choice given words: an empty <option> is invalid
    HTML, and the words are what the box shows until someone is picked."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-placeholder": SEARCH_HINT}

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(
            name, value, label if value != "" else SEARCH_HINT, *args, **kwargs
        )


def patient_details(model_admin, request, pk):
    """JSON for the add form's script, read through the same rule as every staff read."""
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    record = get_object_or_404(
        selectors.patients_visible_to(request.user, Patient.objects.all()), pk=pk
    )
    # The booking's start as the form's script sends it (clinic wall clock), or now.
    zone = Clinic.objects.current().zone
    before = params.read_instant(request.GET.get("before"), zone=zone) or timezone.now()
    last = (
        selectors.appointments_visible_to(request.user, record.appointments.all())
        .order_by("-start")
        .values_list("service_id", flat=True)
        .first()
    )
    return JsonResponse(
        {
            "name": record.name,
            "email": record.email,
            "phone": record.phone,
            "returning": visits.has_visited(record, before=before),
            "last_service": last,
        }
    )
