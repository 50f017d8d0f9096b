"""Markup the front desk's two busiest pages repeat dozens of times, made in Python: a visit's
one-click day-sheet buttons (the dashboard's rows, each calendar block) and a calendar block.

Through template includes these were most of the dashboard's and the calendar's time (an
include costs about a millisecond here, and a busy day has forty blocks with two forms each).
Every value from the data is escaped here with the standard library's escape (format_html's
took much of the time); the tests read the pages as the desk's browser does.
"""

import functools
from html import escape as escaped

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from booking.clock import clock_with_zone, time_range
from booking.rules import lifecycle, treatment_notes

# A number no address of ours otherwise holds: each of a visit's admin pages is reversed once
# with it, and each visit's own number put in its place.
_MARK = 918273645


@functools.lru_cache(maxsize=256)
def _address(name, script_prefix, *rest):
    return reverse(name, args=[_MARK, *rest])


def visit_url(name, pk, *rest):
    """reverse(name, args=[pk, *rest]) for one of a visit's admin pages, for the cost of a
    replace: reverse() takes about 0.1 ms here, and a busy calendar asks for 150 addresses."""
    return _address(name, get_script_prefix(), *rest).replace(str(_MARK), str(pk), 1)


DAY_SHEET = "admin:booking_appointment_day_sheet"


class DayActions:
    """The day sheet's one-click buttons, for one page: what the account may do, its CSRF token
    and the page to come back to are read once, then each visit's buttons are a string."""

    def __init__(self, request, csrf_token, *, now=None):
        self.allowed = request is not None and request.user.has_perm("booking.change_appointment")
        self.token = escaped(str(csrf_token))
        self.next = escaped(request.get_full_path()) if request is not None else ""
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()

    def html(self, appointment):
        """The buttons the lifecycle allows now for `appointment` (lifecycle.
        day_sheet_transitions), each a POST back to this page with a minute to undo; "" for an
        account that may not change appointments (a therapist sees her day, she does not run
        it). The page lists only visits the account may see (the selectors)."""
        if not self.allowed:
            return ""
        steps = lifecycle.day_sheet_transitions(appointment, self.now)
        if not steps:
            return ""
        said = (
            f"{escaped(appointment.patient_name)}, {clock_with_zone(appointment.start, self.zone)}"
        )
        forms = "".join(
            f'<form method="post" action="{escaped(visit_url(DAY_SHEET, appointment.pk, step.name))}" '
            f'class="day-action"><input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{self.token}"><input type="hidden" name="next" value="{self.next}">'
            f'<button type="submit" class="button">{escaped(step.label)}'
            f'<span class="visually-hidden">: {said}</span></button></form>'
            for step in steps
        )
        return mark_safe(f'<div class="day-actions">{forms}</div>')


def appointment_cell_html(cell, *, user, actions, zone):
    """A calendar cell holding visits: each a block linking to the visit (time, patient,
    service, "Check screening", status, turnover), its treatment note's link for the therapist
    who writes it (treatment_notes.links_note), and the day sheet's buttons."""
    blocks = []
    for visit in cell.appointments:
        when = time_range(visit.start, visit.end, zone)
        flag = (
            '<strong class="screening-flag">Check screening</strong>' if visit.needs_review else ""
        )
        turnover = (
            f'<span class="block-buffer">+{visit.service.buffer_minutes} min turnover</span>'
            if visit.hold_until > visit.end
            else ""
        )
        note = ""
        if treatment_notes.links_note(user, visit):
            note_url = visit_url("admin:booking_appointment_note", visit.pk)
            note = (
                f'<a class="treatment-note-link" href="{escaped(note_url)}">Treatment note'
                f'<span class="visually-hidden"> for {escaped(visit.patient_name)}, {when}'
                f"</span></a>"
            )
        change_url = visit_url("admin:booking_appointment_change", visit.pk)
        # Spaces between the parts, as between a template's lines: a screen reader reading
        # the link says "10:00–11:00 AM Avery Chen Massage", not the words run together.
        said = " ".join(
            part
            for part in (
                f'<span class="block-time">{when}</span>',
                f'<span class="block-patient">{escaped(visit.patient_name)}</span>',
                f'<span class="block-service">{escaped(visit.service.name)}</span>',
                flag,
                f'<span class="block-status">{escaped(visit.get_status_display())}</span>',
                turnover,
            )
            if part
        )
        blocks.append(
            f'<div class="calendar-block status-{escaped(visit.status)}">'
            f'<a class="block-link" href="{escaped(change_url)}">{said}</a> {note} '
            f"{actions.html(visit)}</div>"
        )
    return mark_safe(
        f'<td class="cell-appointment" rowspan="{cell.rowspan}">{"".join(blocks)}</td>'
    )
