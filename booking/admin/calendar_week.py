"""The whole clinic's week as table rows (a row per therapist, a cell per day), made in Python:
a busy week lists hundreds of visits and free stretches, and the template's loop over them was
half the page's time. Shaped by booking/rules/schedule_spans.clinic_week."""

from html import escape as escaped

from django.utils.safestring import mark_safe

from booking import clock
from booking.admin import markup

# How each kind of stretch is listed: its class and its word ("Free 10:15–12:30 PM").
STRETCHES = {"free": ("week-free", "Free"), "break": ("week-break", "Break"),
             "timeoff": ("week-timeoff", "Time off")}  # fmt: skip


def clinic_week_rows_html(week_rows, *, day, show_inactive, zone):
    show = "&amp;show=all" if show_inactive else ""
    rows = []
    for row in week_rows:
        therapist = row.therapist
        heading = (
            f'<th scope="row"><a href="?date={day.isoformat()}&amp;view=week&amp;therapist='
            f'{therapist.pk}{show}">{escaped(therapist.name)}</a></th>'
        )
        days = "".join(_day_html(plan, zone) for plan in row.days)
        rows.append(f"<tr>{heading}{days}</tr>")
    return mark_safe("".join(rows))


def _day_html(plan, zone):
    if plan.closure:
        return _labelled("week-day week-closed", f"Closed: {plan.closure}")
    if plan.all_time_off is not None:
        note = f": {plan.all_time_off}" if plan.all_time_off else ""
        return _labelled("week-day week-timeoff", f"Time off{note}")
    if not plan.works:
        return _labelled("week-day week-off", "Not working")
    items = "".join(_span_html(span, zone) for span in plan.spans) or "<li>Day over</li>"
    return f'<td class="week-day"><ul class="week-spans">{items}</ul></td>'


def _labelled(css, label):
    return f'<td class="{css}"><span class="week-label">{escaped(label)}</span></td>'


def _span_html(span, zone):
    if span.kind == "appointment":
        return "".join(
            f'<li class="week-visit status-{escaped(visit.status)}">'
            f'<a href="{escaped(markup.visit_url("admin:booking_appointment_change", visit.pk))}">'
            f'<span class="week-time">{clock.time_range(visit.start, visit.end, zone)}</span> '
            f'{escaped(visit.patient_name)}<span class="week-status"><span class="visually-hidden">'
            f",</span> {escaped(visit.get_status_display())}</span></a></li>"
            for visit in span.appointments
        )
    if span.kind not in STRETCHES:
        return ""
    css, word = STRETCHES[span.kind]
    reasons = ""
    if span.kind == "free" and span.rule_breaks:
        css += " week-outside-rules"
        reasons = f' <span class="rule-breaks">{escaped(", ".join(span.rule_breaks))}</span>'
    when = clock.time_range(span.start, span.end, zone)
    return f'<li class="{css}">{word} <span class="week-time">{when}</span>{reasons}</li>'
