"""Moving a visit: the free times for its service over the coming days (the same availability
the public flow uses), with its therapist or another who offers the service; one click moves
it and tells the patient the old and the new time."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from booking.rules import availability, schedule, selectors, services
from booking.templatetags.booking_tags import clinic_time
from clinic.models import Clinic

DAYS_SHOWN = 7


def free_times_by_day_and_therapist(*, clinic, appointment, therapists, first_day):
    """{day: [(therapist, [starts])]} for the days shown, the visit's own time counted free."""
    slots = availability.free_slots(
        clinic=clinic,
        service=appointment.service,
        therapists=therapists,
        start_date=first_day,
        end_date=first_day + datetime.timedelta(days=DAYS_SHOWN - 1),
        ignore_appointment_id=appointment.pk,
    )
    grouped = defaultdict(lambda: defaultdict(list))
    for slot in slots:
        grouped[slot.start.astimezone(clinic.zone).date()][slot.therapist_id].append(slot.start)
    by_id = {therapist.pk: therapist for therapist in therapists}
    return {
        day: [(by_id[pk], starts) for pk, starts in sorted(per_therapist.items(), key=lambda item: therapists.index(by_id[item[0]]))]
        for day, per_therapist in sorted(grouped.items())
    }  # fmt: skip


def move_view(model_admin, request, pk):
    appointment = get_object_or_404(
        model_admin.get_queryset(request).select_related("service", "therapist"), pk=pk
    )
    if not model_admin.has_change_permission(request, appointment):
        raise PermissionDenied
    clinic = Clinic.objects.current()
    offering = selectors.therapists_for(
        appointment.service, is_new_patient=appointment.is_new_patient
    )
    change_url = reverse("admin:booking_appointment_change", args=[pk])
    if request.method == "POST":
        return _move(request, clinic, appointment, offering, change_url)

    today = timezone.localdate(timezone=clinic.zone)
    first_day = max(schedule.read_day(request.GET.get("from"), today=today), today)
    # Her own therapist first: most moves keep the therapist.
    therapists = sorted(offering, key=lambda t: t.pk != appointment.therapist_id)
    days = free_times_by_day_and_therapist(
        clinic=clinic, appointment=appointment, therapists=therapists, first_day=first_day
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Move {appointment.reference} · {appointment.patient_name}",
        "opts": model_admin.model._meta,
        "appointment": appointment,
        "days": days,
        "change_url": change_url,
        "later": (first_day + datetime.timedelta(days=DAYS_SHOWN)).isoformat(),
        "earlier": (first_day - datetime.timedelta(days=DAYS_SHOWN)).isoformat()
        if first_day > today
        else "",
    }
    return render(request, "admin/booking/appointment/move.html", context)


def _move(request, clinic, appointment, offering, change_url):
    therapist = offering.filter(pk=request.POST.get("therapist", "")).first()
    try:
        start = datetime.datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        start = None
    if therapist is None or start is None or start.tzinfo is None:
        messages.error(request, "Please choose one of the free times below.")
        return redirect(request.path)
    day = start.astimezone(clinic.zone).date()
    offered = availability.free_slots(
        clinic=clinic, service=appointment.service, therapists=[therapist], start_date=day,
        end_date=day, ignore_appointment_id=appointment.pk,
    )  # fmt: skip
    if start not in {slot.start for slot in offered}:
        messages.error(request, "That time is no longer free. Please choose one of these.")
        return redirect(request.path)
    before = appointment.start
    try:
        services.move_appointment(
            appointment=appointment, therapist=therapist, start=start, by=request.user
        )
    except services.BookingError as error:
        messages.error(request, f"{error} Please choose another time.")
        return redirect(request.path)
    told = " The patient is told by email." if appointment.patient_email else ""
    messages.success(
        request,
        f"{appointment.reference}: moved from {clinic_time(before)} to {clinic_time(start)} "
        f"with {therapist.name}.{told}",
    )
    return redirect(change_url)
