"""The calendar grid read as stretches of time rather than rows: what the day view draws as one
cell (a lunch break, an afternoon off, a closure), and what the whole clinic's week lists per
therapist and day ("Free 10:15–12:30 PM", "Break 12:30–1:30 PM", each visit).

Shaped from schedule.build_grid's columns, so both views say the same thing about the same time
and read no more from the database.
"""

import datetime
from dataclasses import dataclass, field

from booking.rules.schedule import WORKING_KINDS, Cell

# What the day view draws one row at a time: each free row has its own Book link.
ROW_BY_ROW = {"free"}
# What the week leaves out: before and after working hours, and time already gone.
NOT_IN_WEEK = {"off", "past"}
# The week lists free stretches, not start times: the last quarter-hour before a break is part
# of the stretch (the day view flags it on its Book link).
NOT_SAID_IN_WEEK = {"runs past working hours"}


@dataclass
class Span:
    kind: str  # a cell's kind, or "break" for time off between two working blocks
    start: datetime.datetime
    end: datetime.datetime
    rows: int
    note: str = ""
    rule_breaks: tuple = ()
    appointments: list = field(default_factory=list)


@dataclass
class DayPlan:
    """One therapist's day in the whole clinic's week."""

    day: datetime.date
    therapist: object
    closure: str = ""  # the closure's name, when the clinic is closed
    spans: list = field(default_factory=list)  # what to list, in time order
    works: bool = False
    all_time_off: str | None = None  # the note, when time off is all there is that day


@dataclass
class WeekRow:
    therapist: object
    days: list  # a DayPlan per day


def spans(cells, step, *, row_by_row=frozenset(), unsaid=frozenset()):
    """The column's cells joined into stretches of one kind (and note, and reasons a free time
    needs booking outside the rules, less the `unsaid` ones); an appointment block stays one."""
    found = []
    for index, cell in enumerate(cells):
        if cell is None:
            continue  # covered by the block above
        reasons = tuple(reason for reason in cell.rule_breaks if reason not in unsaid)
        key = (cell.kind, cell.on_break, cell.note, reasons)
        if cell.kind == "appointment" or cell.kind in row_by_row:
            key = None  # never joined to its neighbour
        last = found[-1] if found else None
        if last and key is not None and last[2] == key and last[0] + last[1].rows == index:
            last[1].rows += 1
            last[1].end = cell.start + step
            continue
        rows = cell.rowspan if cell.kind == "appointment" else 1
        span = Span(
            kind="break" if cell.on_break else cell.kind, start=cell.start,
            end=cell.start + step * rows, rows=rows, note=cell.note,
            rule_breaks=reasons, appointments=cell.appointments,
        )  # fmt: skip
        found.append((index, span, key))
    return [(index, span) for index, span, _key_ in found]


def join_quiet_rows(grid, step):
    """Draw each stretch of not working, break, time off, closure or past as one cell, so the
    day reads in blocks and a screen reader hears "Break" once, not once a row."""
    for column in grid.columns:
        cells = [None] * len(column.cells)
        for index, span in spans(column.cells, step, row_by_row=ROW_BY_ROW):
            original = column.cells[index]
            if span.kind != "appointment" and span.kind not in ROW_BY_ROW:
                original = Cell(
                    span.kind, span.start, original.therapist_id, rowspan=span.rows,
                    note=span.note,
                )  # fmt: skip
            cells[index] = original
        column.cells = cells


def clinic_week(grid, step):
    """A row per therapist who works (or is booked, or away) that week, a DayPlan per day."""
    by_therapist = {}
    for column in grid.columns:
        plan = DayPlan(column.day, column.therapist)
        kinds = {cell.kind for cell in column.cells if cell}
        plan.works = bool(kinds & WORKING_KINDS)
        if kinds == {"closed"}:
            plan.closure = column.cells[0].note
        elif kinds <= {"timeoff", "off"} and "timeoff" in kinds:
            plan.all_time_off = next(c.note for c in column.cells if c.kind == "timeoff")
        else:
            plan.spans = [
                span
                for _index, span in spans(column.cells, step, unsaid=NOT_SAID_IN_WEEK)
                if span.kind not in NOT_IN_WEEK
            ]
        by_therapist.setdefault(column.therapist.pk, WeekRow(column.therapist, [])).days.append(
            plan
        )
    return [row for row in by_therapist.values() if any(plan.works for plan in row.days)]
