"""The front desk's calendar: /admin/booking/appointment/calendar/?date=YYYY-MM-DD&view=day|week

Day view: a column per therapist working that day, with skip links to each one's first free
time. Week view: the whole clinic (a row per working therapist, a cell per day listing visits,
free stretches, breaks, time off and closures), or one therapist's (the filter), a column per day.
A therapist signed in sees only their own. Server-rendered; works without JavaScript.
"""

import datetime
from html import escape as escaped
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

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


def _render_free_cells(grid, *, can_book, zone):
    """Each free cell's markup, made here: a day has a hundred of them, and rendering each
    through a template include was most of the page's time. The other cells (a visit with its
    buttons, a closure, a break) stay in _calendar_cell.html."""
    add_url = reverse("admin:booking_appointment_add")
    for column in grid.columns:
        for cell in column.cells:
            if cell is not None and cell.kind == "free":
                cell.html = free_cell_html(cell, can_book=can_book, add_url=add_url, zone=zone)


def free_cell_html(cell, *, can_book, add_url, zone):
    """A free time's cell: its Book link, named for a screen reader ("Book Dana Whitfield on
    Monday, December 21 at 9:15 AM EST"), and the rules it breaks, if any. Every value from the
    data is escaped here (the standard library's escape: format_html's took most of the time)."""
    breaks = ", ".join(cell.rule_breaks)
    marked = f'<span class="rule-breaks">{escaped(breaks)}</span>' if breaks else ""
    classes = "cell-free cell-outside-rules" if breaks else "cell-free"
    if not can_book:
        return mark_safe(f'<td class="{classes}">{marked}</td>')
    local = cell.start.astimezone(zone)
    clock = f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    query = {"therapist": cell.therapist_id, "start": cell.start.isoformat()}
    if breaks:
        query["outside_rules"] = 1
    anchor = f' id="{escaped(cell.anchor)}"' if cell.anchor else ""
    outside = ", outside the usual rules:" if breaks else ""
    return mark_safe(
        f'<td class="{classes}"><a class="book-link"{anchor} '
        f'href="{escaped(add_url)}?{escaped(urlencode(query))}">Book'
        f'<span class="visually-hidden"> {escaped(cell.therapist.name)} on '
        f"{local:%A, %B} {local.day} at {clock} {local.tzname()}{outside}</span>{marked}</a></td>"
    )


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
        _render_free_cells(grid, can_book=can_book, zone=clinic.zone)

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
