"""Moving a visit: the free times for its service in the visit's own week (the same
availability the public flow uses), with its therapist or another who offers the service; a
time chosen asks once, From and To, and only then moves it and tells the patient both."""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from booking.admin import params
from booking.admin.course import MOVING_ROWS, plan_rows, read_choices
from booking.rules import availability, courses, schedule, selectors, services
from booking.templatetags.booking_tags import clinic_time
from clinic.models import Clinic
from clinic.personal_data import plural

DAYS_SHOWN = 7


def free_times_by_day_and_therapist(*, clinic, appointment, therapists, first_day, ignoring):
    """{day: [(therapist, [starts])]} for the days shown, the visits `ignoring` (its own, and
    the course's following ones, which may move with it) counted free."""
    slots = availability.free_slots(
        clinic=clinic,
        service=appointment.service,
        therapists=therapists,
        start_date=first_day,
        end_date=first_day + datetime.timedelta(days=DAYS_SHOWN - 1),
        ignore_appointment_ids=ignoring,
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
    """GET lists free times from the visit's own week (or the week picked); a time chosen
    opens one question, From and To; only its POST moves the visit and emails the patient."""
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
    # A visit of a course may move with the ones after it: their times count as free here,
    # and "this visit only" into one of them is refused when it is saved.
    following = courses.following(appointment, request.user)
    ignoring = [appointment.pk, *(visit.pk for visit in following)]
    base = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "appointment": appointment,
        "change_url": change_url,
    }
    if "start" in request.GET or request.method == "POST":
        data = request.POST if request.method == "POST" else request.GET
        chosen = _chosen_time(data, clinic, appointment, offering, ignoring)
        if isinstance(chosen, str):
            messages.error(request, chosen)
            return redirect(request.path)
        therapist, start = chosen
        plan = _following_plan(clinic, appointment, following, therapist, start)
        unanswered = set()
        if request.method == "POST":
            moves = None  # this visit only
            if request.POST.get("scope") == "following" and plan:
                chosen, unanswered = read_choices(request.POST, plan, MOVING_ROWS)
                moves = [(row.visit, new) for row, new in zip(plan, chosen, strict=False) if new]
            if not unanswered and _move(request, appointment, therapist, start, moves):
                return redirect(change_url)
        context = {**base, "title": f"Move {appointment.reference}?", "therapist": therapist,
                   "start": start, "back": _week_url(start.astimezone(clinic.zone).date()),
                   "following": plan, "rows": plan_rows(plan, MOVING_ROWS),
                   "unanswered": unanswered,
                   "scope": data.get("scope", "this")}  # fmt: skip
        return render(request, "admin/booking/appointment/move_confirm.html", context)

    today = timezone.localdate(timezone=clinic.zone)
    own_day = appointment.start.astimezone(clinic.zone).date()
    asked = (
        schedule.read_day(request.GET.get("from"), today=today)
        if "from" in request.GET
        else own_day
    )
    first_day = max(schedule.week_of(asked)[0], today)
    # Her own therapist first: most moves keep the therapist.
    therapists = sorted(offering, key=lambda t: t.pk != appointment.therapist_id)
    days = free_times_by_day_and_therapist(
        clinic=clinic, appointment=appointment, therapists=therapists, first_day=first_day,
        ignoring=ignoring,
    )  # fmt: skip
    context = {
        **base,
        "title": f"Move {appointment.reference} · {appointment.patient_name}",
        "days": days,
        "first_day": first_day,
        "today": today,
        "later": (first_day + datetime.timedelta(days=DAYS_SHOWN)).isoformat(),
        "earlier": (first_day - datetime.timedelta(days=DAYS_SHOWN)).isoformat()
        if first_day > today
        else "",
    }
    return render(request, "admin/booking/appointment/move.html", context)


def _week_url(day):
    return f"?{urlencode({'from': day.isoformat()})}"


def _chosen_time(data, clinic, appointment, offering, ignoring):
    """(therapist, start) when they are one of the free times offered; else what to say."""
    therapist_id = params.read_id(data.get("therapist"))
    therapist = None if therapist_id is None else offering.filter(pk=therapist_id).first()
    start = params.read_instant(data.get("start"))
    if therapist is None or start is None:
        return "Please choose one of the free times below."
    day = start.astimezone(clinic.zone).date()
    offered = availability.free_slots(
        clinic=clinic, service=appointment.service, therapists=[therapist], start_date=day,
        end_date=day, ignore_appointment_ids=ignoring,
    )  # fmt: skip
    if start not in {slot.start for slot in offered}:
        return "That time is no longer free. Please choose one of these."
    return therapist, start


def _following_plan(clinic, appointment, following, therapist, start):
    """For a visit of a course: where its following visits go if they move with it (the same
    shift), each checked, with the nearest free time for one that is not free."""
    if not following:
        return []
    wanted = courses.shifted_starts(
        following, moved_from=appointment.start, moved_to=start, zone=clinic.zone
    )
    return courses.plan(
        clinic=clinic, service=appointment.service, therapist=therapist,
        wanted=[start, *wanted], moving=[appointment, *following],
    )[1:]  # fmt: skip


def _move(request, appointment, therapist, start, moves):
    """Move the visit, and with `moves` (the following visits' new times as chosen on the page;
    None: this visit only) the following ones too, in one email; True when moved."""
    with_following = moves is not None
    before, before_with = appointment.start, appointment.therapist.name
    try:
        if with_following:
            moved = courses.move_from(
                visit=appointment, therapist=therapist, start=start, moves=moves, by=request.user
            )
        else:
            services.move_appointment(
                appointment=appointment, therapist=therapist, start=start, by=request.user
            )
    except services.BookingError as error:
        messages.error(request, f"{error} Please choose another time.")
        return False
    if with_following:
        told = " The patient is sent one email with the new dates."
        what = f" and the course's following visits: {plural(len(moved), 'visit')} moved"
    else:
        told = " The patient is told by email."
        what = f": moved from {clinic_time(before)} with {before_with}"
    told = told if appointment.patient_email else ""
    messages.success(
        request,
        f"{appointment.reference}{what} to {clinic_time(start)} with {therapist.name}.{told}",
    )
    return True
