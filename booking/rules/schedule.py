"""The staff calendar's grid: a column per therapist and day, a row per slot step of clinic
time, and each cell free, past, off, closed, time off, or an appointment block as long as the
time it really holds (buffer included). A free time the public rules would refuse (short
notice, past the end of working hours, beyond the booking horizon) says why, so the desk sees it
before booking; an hour off between two working blocks is a break, not "not working".

Read in a fixed number of queries whatever the number of appointments; shaped here so a test
can check it without a request, and rendered as a table (rowspans, no inline styles).
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min

from booking.models import Appointment
from booking.rules.availability import closures_by_date, dates, wall_clock_instant
from clinic.models import Service, TimeOff, WorkingHours

# Visits that no longer happen: shown only when asked for.
HIDDEN_BY_DEFAULT = [
    Appointment.Status.CANCELLED,
    Appointment.Status.DECLINED,
    Appointment.Status.EXPIRED,
]
WORKING_KINDS = {"free", "past", "appointment", "timeoff"}
# Rows shown when no one works that day, and the least a grid covers.
DEFAULT_OPEN = datetime.time(9)
DEFAULT_CLOSE = datetime.time(17)


@dataclass
class Cell:
    kind: str  # "appointment", "free", "past", "off", "closed" or "timeoff"
    start: datetime.datetime  # the row's instant
    therapist_id: int
    rowspan: int = 1
    appointments: list = field(default_factory=list)
    note: str = ""  # the closure's name or the time off's note
    on_break: bool = False  # "off" between two of the day's working blocks
    # Why a free time needs "Book outside the usual rules" ("short notice", ...); none: it does not.
    rule_breaks: tuple = ()
    therapist: object = None
    anchor: str = ""  # the id a skip link jumps to (a column's first free time)


@dataclass
class Column:
    day: datetime.date
    therapist: object
    cells: list  # one per row; None where a block above spans it


@dataclass
class Grid:
    times: list  # wall-clock times of the rows
    columns: list

    def keep_working_columns(self):
        """Drop the columns of therapists who neither work nor are booked then (unless that
        leaves none, as on a closure day)."""
        working = [
            column
            for column in self.columns
            if any(cell and cell.kind in WORKING_KINDS for cell in column.cells)
        ]
        self.columns = working or self.columns

    def mark_first_free_times(self):
        """Give each column's first free time an anchor; returns (therapist, anchor) for the
        skip links, in column order (columns with no free time have none)."""
        marked = []
        for column in self.columns:
            first = next((c for c in column.cells if c and c.kind == "free"), None)
            if first:
                first.anchor = f"first-free-{column.therapist.pk}-{column.day:%Y%m%d}"
                marked.append((column.therapist, first.anchor))
        return marked

    def rows(self):
        """(time, [cell or None for each column]) for each row, as the table reads them."""
        return [
            (time, [column.cells[index] for column in self.columns])
            for index, time in enumerate(self.times)
        ]


def _row_times(blocks, appointments, zone, step):
    earliest, latest = DEFAULT_OPEN, DEFAULT_CLOSE
    for block in blocks:
        earliest, latest = min(earliest, block.start_time), max(latest, block.end_time)
    for appointment in appointments:
        earliest = min(earliest, appointment.start.astimezone(zone).time())
        latest = max(latest, appointment.hold_until.astimezone(zone).time())
    minutes = step.seconds // 60
    first = earliest.hour * 60 + earliest.minute // minutes * minutes
    last = latest.hour * 60 + latest.minute
    return [datetime.time(m // 60, m % 60) for m in range(first, min(last, 24 * 60), minutes)]


def build_grid(*, clinic, days, therapists, now, show_inactive=False):
    """The grid for these clinic dates and therapists (columns: each day, each therapist)."""
    zone = clinic.zone
    step = datetime.timedelta(minutes=clinic.slot_step_minutes)
    window_start = wall_clock_instant(days[0], datetime.time(0), zone, boundary="start")
    window_end = wall_clock_instant(
        days[-1] + datetime.timedelta(days=1), datetime.time(0), zone, boundary="end"
    )
    ids = [therapist.pk for therapist in therapists]
    appointments = (
        Appointment.objects.filter(therapist_id__in=ids).overlapping(window_start, window_end)
        .select_related("service")
        .order_by("start")
    )  # fmt: skip
    if not show_inactive:
        appointments = appointments.exclude(status__in=HIDDEN_BY_DEFAULT)
    appointments = list(appointments)
    blocks = list(WorkingHours.objects.filter(therapist_id__in=ids))
    shortest = dict(
        Service.objects.active().filter(therapists__in=ids)
        .values_list("therapists").annotate(Min("duration_minutes"))
    )  # fmt: skip
    rules = _Rules(
        now=now,
        notice_until=now + datetime.timedelta(hours=clinic.min_notice_hours),
        last_day=now.astimezone(zone).date() + datetime.timedelta(days=clinic.booking_horizon_days),
        horizon_days=clinic.booking_horizon_days,
    )
    time_off = list(
        TimeOff.objects.filter(therapist_id__in=ids, start__lt=window_end, end__gt=window_start)
    )
    closed = closures_by_date(days[0], days[-1])
    times = _row_times(blocks, appointments, zone, step)

    hours = defaultdict(list)
    for block in blocks:
        hours[(block.therapist_id, block.weekday)].append(block)
    away = defaultdict(list)
    for entry in time_off:
        away[entry.therapist_id].append(entry)
    booked = defaultdict(list)
    for appointment in appointments:
        booked[(appointment.therapist_id, appointment.start.astimezone(zone).date())].append(
            appointment
        )

    columns = []
    for day in days:
        for therapist in therapists:
            cells = [
                _cell(therapist, day, time, zone, rules, hours[(therapist.pk, day.weekday())],
                      away[therapist.pk], closed.get(day), shortest.get(therapist.pk))
                for time in times
            ]  # fmt: skip
            for cell in cells:
                cell.therapist = therapist  # for the Book link's words
            _place(cells, booked[(therapist.pk, day)], times, zone, step)
            columns.append(Column(day, therapist, cells))
    return Grid(times, columns)


@dataclass(frozen=True)
class _Rules:
    """The public booking rules a free time is checked against (see availability's
    public_rule_breaks, which checks one time the same way when the desk saves it)."""

    now: datetime.datetime
    notice_until: datetime.datetime
    last_day: datetime.date
    horizon_days: int


def _cell(therapist, day, time, zone, rules, blocks, time_off, closure, shortest):
    start = wall_clock_instant(day, time, zone, boundary="start")
    if closure:
        return Cell("closed", start, therapist.pk, note=closure)
    for entry in time_off:
        if entry.start <= start < entry.end:
            return Cell("timeoff", start, therapist.pk, note=entry.note)
    block = next((b for b in blocks if b.start_time <= time < b.end_time), None)
    if block is None:
        on_break = any(b.end_time <= time for b in blocks) and any(
            b.start_time > time for b in blocks
        )
        return Cell("off", start, therapist.pk, on_break=on_break)
    if start < rules.now:
        return Cell("past", start, therapist.pk)
    reasons = []
    if start < rules.notice_until:
        reasons.append("short notice")
    if shortest and start + datetime.timedelta(minutes=shortest) > wall_clock_instant(
        day, block.end_time, zone, boundary="end"
    ):
        reasons.append("runs past working hours")
    if day > rules.last_day:
        reasons.append(f"more than {rules.horizon_days} days ahead")
    return Cell("free", start, therapist.pk, rule_breaks=tuple(reasons))


def _place(cells, appointments, times, zone, step):
    """Put each appointment in the row of its start, spanning the rows its hold covers.

    Shown cancelled visits may overlap an active one: they join the block already there.
    """
    minutes = [t.hour * 60 + t.minute for t in times]
    covering = None  # the block whose rowspan covers the current rows
    for appointment in appointments:
        local = appointment.start.astimezone(zone)
        begin = local.hour * 60 + local.minute
        index = max(0, sum(1 for m in minutes if m <= begin) - 1)
        span = max(1, math.ceil((appointment.hold_until - appointment.start) / step))
        span = min(span, len(cells) - index)
        if covering and covering[0] <= index < covering[0] + covering[1].rowspan:
            block = covering[1]
            block.appointments.append(appointment)
            block.rowspan = max(block.rowspan, index + span - covering[0])
            _cover(cells, covering[0], block.rowspan)
            continue
        block = Cell(
            "appointment", cells[index].start, appointment.therapist_id, rowspan=span,
            appointments=[appointment],
        )  # fmt: skip
        cells[index] = block
        _cover(cells, index, span)
        covering = (index, block)


def _cover(cells, index, span):
    for row in range(index + 1, min(index + span, len(cells))):
        cells[row] = None


# The calendar and the move page look this far either side of today, no further: a date typed
# as year 9999 would otherwise run past what Python's dates can count.
REACH = datetime.timedelta(days=10 * 366)


def read_day(value, *, today):
    """A date from the address (YYYY-MM-DD), kept within REACH of today; today if unreadable."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return today
    return min(max(day, today - REACH), today + REACH)


def week_of(day):
    monday = day - datetime.timedelta(days=day.weekday())
    return list(dates(monday, monday + datetime.timedelta(days=6)))
