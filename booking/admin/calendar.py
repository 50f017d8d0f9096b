"""The front desk's calendar: /admin/booking/appointment/calendar/?date=YYYY-MM-DD&view=day|week

Day view: a column per therapist working that day, with skip links to each one's first free
time. Week view: the whole clinic (a row per working therapist, a cell per day listing visits,
free stretches, breaks, time off and closures), or one therapist's (the filter), a column per day.
A therapist signed in sees only their own. Server-rendered; works without JavaScript.
"""

import datetime
from html import escape as escaped
from urllib.parse import urlencode

from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from booking import clock
from booking.admin import calendar_week, markup
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


def grid_rows_html(grid, *, can_book, zone, request):
    """The day's (or one therapist's week's) table rows, made here: a busy day has hundreds of
    cells, and a template loop with an include for each was most of the page's time. Each
    cell's markup comes from free_cell_html, markup.appointment_cell_html or other_cell_html."""
    add_url = reverse("admin:booking_appointment_add")
    actions = markup.DayActions(request, get_token(request))
    rows = []
    for time, cells in grid.rows():
        made = []
        for cell in cells:
            if cell is None:  # under a cell above that spans it
                continue
            if cell.kind == "free":
                made.append(free_cell_html(cell, can_book=can_book, add_url=add_url, zone=zone))
            elif cell.kind == "appointment":
                made.append(
                    markup.appointment_cell_html(
                        cell, user=request.user, actions=actions, zone=zone
                    )
                )
            else:
                made.append(other_cell_html(cell))
        rows.append(f'<tr><th scope="row">{clock.clock_of(time)}</th>{"".join(made)}</tr>')
    return mark_safe("".join(rows))


# What a cell that is neither free nor a visit says: (class, label) by kind; "past" says nothing.
OTHER_CELLS = {
    "closed": ("cell-closed", "Closed: {note}"),
    "timeoff": ("cell-timeoff", "Time off: {note}"),
    "break": ("cell-break", "Break"),
    "off": ("cell-off", "Not working"),
}


def other_cell_html(cell):
    css, label = OTHER_CELLS.get(cell.kind, (f"cell-{cell.kind}", ""))
    if cell.kind == "timeoff" and not cell.note:
        label = "Time off"
    said = (
        f'<span class="cell-label">{escaped(label.format(note=cell.note))}</span>' if label else ""
    )
    return mark_safe(f'<td class="{escaped(css)}" rowspan="{cell.rowspan}">{said}</td>')


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
    query = {"therapist": cell.therapist_id, "start": cell.start.isoformat()}
    if breaks:
        query["outside_rules"] = 1
    anchor = f' id="{escaped(cell.anchor)}"' if cell.anchor else ""
    outside = ", outside the usual rules:" if breaks else ""
    return mark_safe(
        f'<td class="{classes}"><a class="book-link"{anchor} '
        f'href="{escaped(add_url)}?{escaped(urlencode(query))}">Book'
        f'<span class="visually-hidden"> {escaped(cell.therapist.name)} on '
        f"{local:%A, %B} {local.day} at {clock.clock_with_zone(cell.start, zone)}{outside}</span>"
        f"{marked}</a></td>"
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
        "grid_rows": grid_rows_html(grid, can_book=can_book, zone=clinic.zone, request=request)
        if grid
        else "",
        "week_rows": week_rows,
        "week_rows_html": calendar_week.clinic_week_rows_html(
            week_rows, day=day, show_inactive=show_inactive, zone=clinic.zone
        )
        if week_rows
        else "",
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
