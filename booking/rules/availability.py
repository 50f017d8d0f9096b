"""Free start times, computed from working hours, time off, closures and active appointments.

All rules run in the clinic's time zone (working hours are wall-clock times there) and every
result is an aware UTC datetime. Slots advance in real elapsed time from the start of each
working block, so the days clocks change neither shift, duplicate nor invent a slot.

The data for a whole range is read in a fixed number of queries (hours, time off, closures,
appointments), whatever the number of days, therapists or slots.
"""

import bisect
import datetime
import functools
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from booking.models import LONGEST_HOLD
from booking.rules import availability_reads
from clinic.models import TimeOff, WorkingHours

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)


class Slot(NamedTuple):
    """A free start with one therapist. A tuple, so a week of them sorts and dedupes at C speed."""

    start: datetime.datetime
    therapist_id: int


# Pure, and asked the same few dozen questions (each block's edges, each row of a calendar)
# again and again: remembered.
@functools.lru_cache(maxsize=16384)
def wall_clock_instant(day, clock, zone, *, boundary):
    """The UTC instant at which a clinic clock reads `clock` on `day`.

    `boundary` is "start" or "end" of a working block. When clocks go back and the time happens
    twice, a block is taken at its widest (first occurrence for a start, second for an end).
    When clocks go forward and the time never happens, the boundary is the moment of the jump.
    """
    naive = datetime.datetime.combine(day, clock)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    exists = first.astimezone(zone).replace(tzinfo=None) == naive
    if exists:
        return min(first, second) if boundary == "start" else max(first, second)
    # In the skipped hour: walk from the earlier reading to the minute the offset changes.
    instant = min(first, second)
    offset = instant.astimezone(zone).utcoffset()
    while instant.astimezone(zone).utcoffset() == offset:
        instant += MINUTE
    return instant


def dates(start_date, end_date):
    day = start_date
    while day <= end_date:
        yield day
        day += datetime.timedelta(days=1)


class Busy:
    """The intervals a therapist is not free, sorted by start, answering "does [start, end)
    touch any?" by bisection: the furthest end among the intervals starting before `end` is
    past `start` exactly when one of them overlaps. A week of a busy calendar has hundreds of
    candidate starts; scanning every interval for each was most of the time."""

    def __init__(self, intervals=()):
        intervals = sorted(intervals)
        self.starts = [start for start, _end in intervals]
        self.reach = list(itertools.accumulate((end for _start, end in intervals), max))

    def overlaps(self, start, end):
        before_end = bisect.bisect_left(self.starts, end)
        return before_end > 0 and self.reach[before_end - 1] > start


def busy_spans(therapist_ids, window_start, window_end, ignoring):
    """{therapist id: sorted, disjoint [start, end) spans in epoch seconds} when each is not
    free: active appointments (with their buffers) and time off."""
    intervals = defaultdict(list)
    for therapist_id, start, end in availability_reads.busy_rows(
        therapist_ids, window_start, window_end, ignoring=ignoring
    ):
        intervals[therapist_id].append((start, end))
    return defaultdict(list, {pk: _merged(spans) for pk, spans in intervals.items()})


def _merged(intervals):
    """The same time as sorted, disjoint [start, end) spans (touching ones joined)."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _free_starts(opens, closes, spans, ends, step, duration, hold, earliest):
    """Starts from `opens` by `step` (epoch seconds) whose visit ends by `closes` and whose hold
    touches none of `spans` (`ends`: their ends, in order), as ranges: a start is free up to a
    hold before each busy span and again from its end, so the work is per span, never per
    start (the ranges are counted out in C)."""
    last = closes - duration  # the latest start whose visit still ends in the block
    candidate = opens
    if candidate < earliest:
        candidate += -(-(earliest - candidate) // step) * step
    found = []
    index = bisect.bisect_right(ends, candidate)
    while candidate <= last and index < len(spans):
        busy_from, busy_until = spans[index]
        found.append(range(candidate, min(busy_from - hold, last) + 1, step))
        # The next start on the block's grid at or after the span's end.
        candidate += max(0, -(-(busy_until - candidate) // step) * step)
        index += 1
    found.append(range(candidate, last + 1, step))
    return found


def busy_by_therapist(rows):
    """{therapist id: Busy} from (therapist id, start, end) rows; nobody's time is Busy()."""
    intervals = defaultdict(list)
    for therapist_id, start, end in rows:
        intervals[therapist_id].append((start, end))
    return defaultdict(Busy, {therapist: Busy(spans) for therapist, spans in intervals.items()})


def closures_by_date(start_date, end_date):
    """Each closed clinic date in the range, with the closure's name (one query)."""
    closed = {}
    for name, first, last in availability_reads.closures_between(start_date, end_date):
        for day in dates(max(first, start_date), min(last, end_date)):
            closed[day] = name
    return closed


def free_slots(
    *,
    clinic,
    service,
    therapists,
    start_date,
    end_date,
    now=None,
    ignore_appointment_id=None,
    ignore_appointment_ids=(),
    within_horizon=True,
):
    """Every free start time for `service` with any of `therapists` between two clinic dates.

    A start is free when the visit fits inside one working block, the visit plus the service's
    buffer touches no active appointment (plus its buffer) or time off, the day is not a
    closure, it is at least the minimum notice away and within the booking horizon (staff
    booking a course of visits pass `within_horizon=False`: a course may run for months).
    The appointments ignored are counted free (the visits being moved).
    """
    zone = clinic.zone
    now = now or datetime.datetime.now(UTC)
    earliest = now + datetime.timedelta(hours=clinic.min_notice_hours)
    today = now.astimezone(zone).date()
    if within_horizon:
        end_date = min(end_date, today + datetime.timedelta(days=clinic.booking_horizon_days))
    start_date = max(start_date, today)
    if start_date > end_date:
        return []

    therapist_ids = [therapist.pk for therapist in therapists]
    duration = datetime.timedelta(minutes=service.duration_minutes)
    hold = duration + datetime.timedelta(minutes=service.buffer_minutes)
    step = datetime.timedelta(minutes=clinic.slot_step_minutes)

    window_start = wall_clock_instant(start_date, datetime.time(0), zone, boundary="start")
    window_end = (
        wall_clock_instant(
            end_date + datetime.timedelta(days=1), datetime.time(0), zone, boundary="end"
        )
        + hold
    )
    ignoring = {ignore_appointment_id, *ignore_appointment_ids} - {None}
    busy = busy_spans(therapist_ids, window_start, window_end, ignoring)
    closed = closures_by_date(start_date, end_date)
    blocks = defaultdict(list)
    for therapist_id, weekday, opens, closes in availability_reads.working_blocks(therapist_ids):
        blocks[(therapist_id, weekday)].append((opens, closes))

    # In whole epoch seconds: integer steps are exact and several times faster than datetimes.
    timing = (
        int(step.total_seconds()), int(duration.total_seconds()), int(hold.total_seconds()),
        int(earliest.timestamp()),
    )  # fmt: skip
    ends = {pk: [end for _start, end in spans] for pk, spans in busy.items()}
    starts = []
    for day in dates(start_date, end_date):
        if day in closed:
            continue
        weekday = day.weekday()
        for therapist_id in therapist_ids:
            for opens, closes in blocks[(therapist_id, weekday)]:
                for free in _free_starts(
                    _epoch_seconds(day, opens, zone, "start"),
                    _epoch_seconds(day, closes, zone, "end"),
                    busy[therapist_id],
                    ends.get(therapist_id, ()),
                    *timing,
                ):
                    starts.extend(zip(free, itertools.repeat(therapist_id)))
    starts.sort()
    # dict.fromkeys: a start twice in blocks that overlap is offered once. tuple.__new__: a
    # NamedTuple's own constructor is a Python call, a third of the time here.
    return [
        tuple.__new__(Slot, (_instant(start), therapist_id))
        for start, therapist_id in dict.fromkeys(starts)
    ]


# In whole epoch seconds: integer steps are exact and several times faster than datetimes. Both
# are pure, and a clinic's working blocks and start times repeat from one answer to the next.
@functools.lru_cache(maxsize=8192)
def _epoch_seconds(day, clock, zone, boundary):
    return int(wall_clock_instant(day, clock, zone, boundary=boundary).timestamp())


@functools.lru_cache(maxsize=65536)
def _instant(epoch_seconds):
    return datetime.datetime.fromtimestamp(epoch_seconds, UTC)


def unchanged_until(starts, *, clinic, now):
    """When free times computed at `now` would change with nothing booked or freed: the first of
    `starts` comes inside the minimum notice, or the clinic's date turns (which moves "today" and
    the booking horizon). Until then a page showing them may be kept."""
    zone = clinic.zone
    tomorrow = now.astimezone(zone).date() + datetime.timedelta(days=1)
    limit = wall_clock_instant(tomorrow, datetime.time(0), zone, boundary="start")
    notice = datetime.timedelta(hours=clinic.min_notice_hours)
    return min([limit, *(start - notice for start in starts)])


def free_times_by_day(slots, zone):
    """Slots grouped by clinic date, one entry per start time (the first therapist free then)."""
    days = defaultdict(dict)
    for slot in slots:
        days[slot.start.astimezone(zone).date()].setdefault(slot.start, slot)
    return {day: list(times.values()) for day, times in sorted(days.items())}


@dataclass
class RuleFacts:
    """What the public rules read about one therapist over a range of dates, read once (three
    queries) so many times can be checked against them: closures, her time off, her hours."""

    closed: dict
    time_off: list
    hours: dict

    @classmethod
    def load(cls, therapist, first_day, last_day, zone):
        window_start = wall_clock_instant(first_day, datetime.time(0), zone, boundary="start")
        window_end = wall_clock_instant(
            last_day + datetime.timedelta(days=1), datetime.time(0), zone, boundary="end"
        )
        hours = defaultdict(list)
        for block in WorkingHours.objects.filter(therapist=therapist).order_by():
            hours[block.weekday].append((block.start_time, block.end_time))
        time_off = TimeOff.objects.filter(
            therapist=therapist, start__lt=window_end + LONGEST_HOLD, end__gt=window_start
        ).values_list("start", "end")
        return cls(closures_by_date(first_day, last_day), list(time_off), hours)


def public_rule_breaks(*, clinic, service, therapist, start, now, within_horizon=True, facts=None):
    """What the public booking rules say against this time, as reasons staff can read; none
    means a patient could have booked it online (`within_horizon` False: leaving the booking
    horizon aside, as for a course of visits). `facts`: RuleFacts already read for its date.

    Staff may book against these after a warning. Overlaps are not among them: an overlap is
    refused for everyone (first_clash, and PostgreSQL's constraint).
    """
    zone = clinic.zone
    hold = datetime.timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    end = start + datetime.timedelta(minutes=service.duration_minutes)
    day = start.astimezone(zone).date()
    facts = facts or RuleFacts.load(therapist, day, day, zone)
    reasons = []
    if start < now + datetime.timedelta(hours=clinic.min_notice_hours):
        reasons.append(
            f"it is less than the {clinic.min_notice_hours} hours' notice patients must give"
        )
    horizon = now.astimezone(zone).date() + datetime.timedelta(days=clinic.booking_horizon_days)
    if within_horizon and day > horizon:
        reasons.append(f"it is more than {clinic.booking_horizon_days} days ahead")
    if day in facts.closed:
        reasons.append(f"the clinic is closed that day ({facts.closed[day]})")
    if any(off_start < start + hold and off_end > start for off_start, off_end in facts.time_off):
        reasons.append(f"{therapist.name} has time off then")
    within_hours = any(
        wall_clock_instant(day, opens, zone, boundary="start") <= start
        and end <= wall_clock_instant(day, closes, zone, boundary="end")
        for opens, closes in facts.hours[day.weekday()]
    )
    if not within_hours:
        reasons.append(f"it is outside {therapist.name}'s working hours")
    return reasons


def open_days(therapists, start_date, end_date):
    """Dates on which the clinic is open and at least one of `therapists` works: a day without
    free times is "full" to a patient, any other day "closed"."""
    weekdays = set(
        WorkingHours.objects.filter(therapist__in=therapists).values_list("weekday", flat=True)
    )
    closed = closures_by_date(start_date, end_date)
    return {
        day
        for day in dates(start_date, end_date)
        if day.weekday() in weekdays and day not in closed
    }
