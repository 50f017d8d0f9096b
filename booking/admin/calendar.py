"""The front desk's calendar: /admin/booking/appointment/calendar/?date=YYYY-MM-DD&view=day|week

Day view: a column per therapist working that day, with skip links to each one's first free
time. Week view: the whole clinic (a row per working therapist, a cell per day listing visits,
free stretches, breaks, time off and closures), or one therapist's (the filter), a column per day.
A therapist signed in sees only their own. Server-rendered; works without JavaScript.
"""

import datetime
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from booking.rules import schedule, schedule_spans
from clinic.models import Clinic, Therapist


def _therapists_for(user, wanted_id):
    """Whose columns this account may see: everyone (front desk, narrowed by the filter), a
    therapist only their own, anyone else nobody."""
    if user.has_perm("booking.view_all_appointments"):
        everyone = list(Therapist.objects.active())
        chosen = [t for t in everyone if str(t.pk) == wanted_id]
        return everyone, chosen or everyone
    own = getattr(user, "therapist", None)
    return ([own], [own]) if own else ([], [])


def calendar_view(model_admin, request):
    clinic = Clinic.objects.current()
    now = timezone.now()
    today = timezone.localdate(now, timezone=clinic.zone)
    day = schedule.read_day(request.GET.get("date"), today=today)
    view = "week" if request.GET.get("view") == "week" else "day"
    show_inactive = request.GET.get("show") == "all"
    offered, therapists = _therapists_for(request.user, request.GET.get("therapist", ""))
    days = schedule.week_of(day) if view == "week" else [day]
    jump = datetime.timedelta(days=len(days))
    grid = schedule.build_grid(
        clinic=clinic, days=days, therapists=therapists, now=now, show_inactive=show_inactive
    ) if therapists else None  # fmt: skip
    step = datetime.timedelta(minutes=clinic.slot_step_minutes)
    can_book = model_admin.has_add_permission(request)
    week_rows, skip_links = None, []
    if grid and view == "week" and len(therapists) > 1:
        week_rows = schedule_spans.clinic_week(grid, step)
        grid = None
    elif grid:
        if view == "day":
            grid.keep_working_columns()
            # A skip link lands on a Book link: none for an account that cannot book.
            skip_links = grid.mark_first_free_times() if can_book else []
        schedule_spans.join_quiet_rows(grid, step)

    def link(**changes):
        params = {
            "date": day.isoformat(),
            "view": view,
            "therapist": request.GET.get("therapist", ""),
            "show": "all" if show_inactive else "",
        }
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    context = {
        **model_admin.admin_site.each_context(request),
        "title": (
            f"Week of {days[0]:%A, %B} {days[0].day}, {days[0].year}"
            if view == "week"
            else f"{day:%A, %B} {day.day}, {day.year}"
        ),
        "opts": model_admin.model._meta,
        "clinic": clinic,
        "grid": grid,
        "week_rows": week_rows,
        "skip_links": skip_links,
        "days": days,
        "day": day,
        "today": today,
        "view": view,
        "show_inactive": show_inactive,
        "offered": offered,
        "therapist_id": request.GET.get("therapist", ""),
        "can_book": can_book,
        "add_url": reverse("admin:booking_appointment_add"),
        "previous_url": link(date=(day - jump).isoformat()),
        "next_url": link(date=(day + jump).isoformat()),
        "today_url": link(date=today.isoformat()),
        "day_url": link(view="day"),
        "week_url": link(view="week"),
    }
    return render(request, "admin/booking/appointment/calendar.html", context)
