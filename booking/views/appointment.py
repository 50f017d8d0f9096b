"""The patient's own pages behind the secret link emailed to them: the visit, its calendar
file, cancelling and moving it."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking.ics import appointment_ics
from booking.models import Appointment
from booking.notifications import absolute
from booking.request import time_choices
from booking.request.selection import Selection, read_flow, read_selection
from booking.rules import services
from clinic import limiter

# The patient's link keeps working this long after the visit, then says to call instead.
LINK_VALID_AFTER_VISIT = datetime.timedelta(days=60)


def _appointment_for(token):
    """The appointment behind a patient's link. Unknown or tampered tokens are simply not found."""
    if "\x00" in token:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("service", "therapist"), access_token=token
    )


def _link_expired(appointment):
    return timezone.now() > appointment.end + LINK_VALID_AFTER_VISIT


@never_cache
def manage_appointment(request, token):
    """The patient's page for one appointment. Opening it never changes anything."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    return render(
        request,
        "booking/appointment_detail.html",
        {
            "appointment": appointment,
            "can_cancel": services.patient_can_cancel(appointment),
            "can_move": services.patient_can_move(appointment),
        },
    )


@never_cache
def appointment_calendar(request, token):
    appointment = _appointment_for(token)
    if _link_expired(appointment) or not appointment.is_active:
        return render(request, "booking/appointment_link_expired.html", status=410)
    ics = appointment_ics(
        appointment, clinic=request.clinic, manage_url=absolute(appointment.patient_url())
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_appointment(request, token):
    """GET asks once ("are you sure?"), POST cancels: a tap by mistake, or a mail scanner
    following the link, never cancels anything."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    if request.method == "GET":
        if not services.patient_can_cancel(appointment):
            return redirect(appointment.patient_url())
        return render(request, "booking/appointment_cancel.html", {"appointment": appointment})
    try:
        services.cancel_appointment(appointment=appointment)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your appointment is cancelled. We have sent you an email.")
    return redirect(appointment.patient_url())


def _move_selection(appointment, data):
    """The move's state: the visit's own service and therapist; only the day and time chosen."""
    chosen = read_selection(data)
    return Selection(
        patient="new" if appointment.is_new_patient else "returning",
        service=appointment.service,
        therapist=appointment.therapist,
        day=chosen.day,
        start=chosen.start,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("move")
def move_appointment(request, token):
    """The patient moves their visit from their link: choose a day and time (same service and
    therapist), see the change once more, then POST. Only while they could cancel online."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    if not services.patient_can_move(appointment):
        messages.info(request, "This visit can no longer be moved online. Please call us.")
        return redirect(appointment.patient_url())
    data = request.POST if request.method == "POST" else request.GET
    selection = _move_selection(appointment, data)
    here = reverse("booking:move", args=[token])
    if request.method == "POST" and selection.start:
        try:
            moved = services.patient_move_appointment(
                appointment=appointment, start=selection.start, client_key=request.limit_address
            )
        except services.MoveTooLate as error:
            messages.error(request, str(error))
            return redirect(appointment.patient_url())
        except services.BookingError as error:
            messages.error(request, str(error))
            return redirect(selection.url(path=here, start=""))
        messages.success(request, "Your visit is moved. We have sent you an email.")
        if moved.status == Appointment.Status.REQUESTED:
            messages.info(request, "The clinic will confirm the new time by email.")
        return redirect(moved.patient_url())
    context = {"appointment": appointment, "selection": selection, "moving": appointment}
    if selection.start:
        return render(request, "booking/appointment_move_confirm.html", context)
    today = timezone.localdate()
    first_day = time_choices.first_day_of_window(
        read_flow(data).get("from", ""),
        clinic=request.clinic,
        today=today,
        chosen_day=selection.day,
    )
    context |= time_choices.week_of_times(
        clinic=request.clinic,
        selection=selection,
        first_day=first_day,
        today=today,
        paths=(here, here),
        moving=appointment,
    )
    return render(request, "booking/appointment_move.html", context)
