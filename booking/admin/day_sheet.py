"""The day sheet: one-click changes from the dashboard and the calendar, with a minute to undo,
and the desk's follow-up of a doctor's note. Each is a POST that goes back to the page the
button was on, with a message saying what happened."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from booking.models import Appointment
from booking.rules import lifecycle, services


def urls(model_admin):
    """The day sheet's admin URLs, under the appointment admin's."""

    def view(function, route, name):
        def wrapped(request, pk, **kwargs):
            return function(model_admin, request, pk, **kwargs)

        return path(route, model_admin.admin_site.admin_view(require_POST(wrapped)), name=name)

    return [
        view(change, "<int:pk>/day-sheet/<str:name>/", "booking_appointment_day_sheet"),
        view(undo, "<int:pk>/undo/", "booking_appointment_undo"),
        view(doctor_note, "<int:pk>/doctor-note/", "booking_appointment_doctor_note"),
    ]


def _visit_to_change(model_admin, request, pk):
    """The visit, if this account may see it (the selectors) and change it; else 404 or 403."""
    appointment = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not model_admin.has_change_permission(request, appointment):
        raise PermissionDenied
    return appointment


def _back(request):
    """To the page the button was on (a path on this site only), else the dashboard."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("admin:index"))


def change(model_admin, request, pk, name):
    appointment = _visit_to_change(model_admin, request, pk)
    step = lifecycle.TRANSITIONS.get(name)
    if step is None or not step.one_click:
        raise PermissionDenied
    now = timezone.now()
    try:
        services.change_status(
            appointment=appointment, transition=name, by=request.user, now=now, undoable=True
        )
    except services.BookingError as error:
        messages.error(request, str(error))
        return _back(request)
    told = " The patient is emailed in a minute." if step.tells_patient else ""
    messages.success(
        request,
        render_to_string(
            "admin/booking/appointment/_undo_message.html",
            {
                "appointment": appointment,
                "said": f"{step.action_text.lower()}.{told}",
                "undo_url": reverse("admin:booking_appointment_undo", args=[pk]),
                "until": now + services.UNDO_WINDOW,
                "next": request.POST.get("next", ""),
            },
            request=request,
        ),
    )
    return _back(request)


def undo(model_admin, request, pk):
    appointment = _visit_to_change(model_admin, request, pk)
    try:
        services.undo(appointment=appointment, by=request.user)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Undone: {appointment.reference} · {appointment.patient_name} is "
            f"{appointment.get_status_display().lower()} again.",
        )
    return _back(request)


def doctor_note(model_admin, request, pk):
    appointment = _visit_to_change(model_admin, request, pk)
    outcome = request.POST.get("outcome", "")
    if outcome not in Appointment.DoctorNote.values:
        messages.error(request, "Please choose what happened with the doctor’s note.")
        return _back(request)
    try:
        services.record_doctor_note(appointment=appointment, outcome=outcome, by=request.user)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        label = Appointment.DoctorNote(outcome).label
        messages.success(
            request, f"{appointment.reference} · {appointment.patient_name}: {label.lower()}."
        )
    return _back(request)
