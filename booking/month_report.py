"""The month in numbers, for the owner and the front desk: a month of clinic time beside the month
before. Each figure is counted over the visits that start in the month (in the clinic's zone),
as the account may see them (the selectors), with aggregates: the number of queries is the same
for ten visits or ten thousand.

- completed: visits marked completed, per therapist and per service;
- booked hours: the time held (buffer included) by visits that happened or were booked
  (requested, confirmed, arrived, completed, no-show), against worked hours: the therapists'
  working hours, less breaks (the gaps between blocks), time off and closures;
- no-shows, and late cancellations (booking/rules/patients.late_cancellation_count's rule);
- new and returning patients among those seen (booking/rules/visits.py's rule, at the visit);
- requests declined or expired, and how long requests waited for staff's answer (from the
  request's event to the first confirmation or decline), median and 90th percentile.
"""

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum

from booking import takings
from booking.models import Appointment, AppointmentEvent
from booking.rules import availability, selectors, visits
from booking.rules.patients import late_cancellation_count
from clinic.models import Therapist, TimeOff, WorkingHours

Status = Appointment.Status
# Visits that took or were to take the therapist's time.
BOOKED = [Status.REQUESTED, Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW]
# Visits the patient came to.
ATTENDED = [Status.ARRIVED, Status.COMPLETED]
ANSWERS = [AppointmentEvent.Action.CONFIRMED, AppointmentEvent.Action.DECLINED]
# How far from today a month may be asked for (a year 9999 would run past Python's dates).
REACH_MONTHS = 10 * 12
ZERO = datetime.timedelta(0)


@dataclass
class TherapistRow:
    therapist_id: int
    name: str
    completed: int = 0
    no_shows: int = 0
    booked: datetime.timedelta = ZERO
    worked: datetime.timedelta = ZERO

    @property
    def utilisation(self):
        """Booked time as a whole percentage of worked time; None when nothing was worked."""
        if not self.worked:
            return None
        return round(100 * self.booked / self.worked)


@dataclass
class Month:
    first_day: datetime.date
    therapists: list = field(default_factory=list)  # TherapistRow, by name
    services: dict = field(default_factory=dict)  # service name -> visits completed
    no_shows: int = 0
    late_cancellations: int = 0
    new_patients: int = 0
    returning_patients: int = 0
    declined: int = 0
    expired: int = 0
    answered: int = 0  # requests staff answered, whose waits follow
    wait_median: datetime.timedelta | None = None
    wait_p90: datetime.timedelta | None = None
    # Money received (booking/takings.py), for an account that may see the takings; else None.
    taken: Decimal | None = None
    taken_by_therapist: dict = field(default_factory=dict)  # name -> Decimal

    @property
    def label(self):
        return f"{self.first_day:%B %Y}"

    @property
    def completed(self):
        return sum(row.completed for row in self.therapists)

    @property
    def booked(self):
        return sum((row.booked for row in self.therapists), ZERO)

    @property
    def worked(self):
        return sum((row.worked for row in self.therapists), ZERO)

    @property
    def utilisation(self):
        return round(100 * self.booked / self.worked) if self.worked else None


@dataclass
class Report:
    month: Month
    previous: Month

    def takings_pairs(self):
        """(therapist's name, money received this month, the month before), by name."""
        names = sorted({*self.month.taken_by_therapist, *self.previous.taken_by_therapist})
        return [
            (
                name,
                self.month.taken_by_therapist.get(name, takings.ZERO),
                self.previous.taken_by_therapist.get(name, takings.ZERO),
            )
            for name in names
        ]

    def therapist_pairs(self):
        """(name, this month's row, the previous month's row) for everyone in either month."""
        return _pairs(
            {row.therapist_id: row for row in self.month.therapists},
            {row.therapist_id: row for row in self.previous.therapists},
            lambda therapist_id: TherapistRow(therapist_id, ""),
            name=lambda row: row.name,
        )

    def service_pairs(self):
        """(service name, completed this month, completed the month before)."""
        names = sorted(set(self.month.services) | set(self.previous.services))
        return [(n, self.month.services.get(n, 0), self.previous.services.get(n, 0)) for n in names]


def _pairs(this, before, empty, *, name):
    keys = set(this) | set(before)
    rows = [(this.get(k) or empty(k), before.get(k) or empty(k)) for k in keys]
    rows = [(name(a) or name(b), a, b) for a, b in rows]
    return sorted(rows, key=lambda row: row[0])


def first_of_month(value, *, today):
    """The first day of the month `value` names (YYYY-MM), kept within reach of today; None when
    it names none."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        day = datetime.date(year, month, 1)
    except ValueError:
        return None
    if abs((day.year - today.year) * 12 + day.month - today.month) > REACH_MONTHS:
        return None
    return day


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(day):
    return (day - datetime.timedelta(days=1)).replace(day=1)


def build(*, user, clinic, first_day):
    """The report for the month starting `first_day`, beside the month before, as `user` may
    see it."""
    return Report(
        month=_month(user=user, clinic=clinic, first_day=first_day),
        previous=_month(user=user, clinic=clinic, first_day=previous_month(first_day)),
    )


def _bounds(clinic, first_day):
    zone = clinic.zone
    start = availability.wall_clock_instant(first_day, datetime.time(0), zone, boundary="start")
    end = availability.wall_clock_instant(
        next_month(first_day), datetime.time(0), zone, boundary="start"
    )
    return start, end


def _takings(month, *, user, clinic):
    if not user.has_perm("booking.view_takings"):
        return
    last_day = next_month(month.first_day) - datetime.timedelta(days=1)
    found = takings.between(month.first_day, last_day, zone=clinic.zone, user=user)
    month.taken, month.taken_by_therapist = found.total, found.by_therapist


def _month(*, user, clinic, first_day):
    start, end = _bounds(clinic, first_day)
    in_month = selectors.appointments_visible_to(
        user, Appointment.objects.filter(start__gte=start, start__lt=end)
    )
    held = ExpressionWrapper(F("hold_until") - F("start"), output_field=DurationField())
    per_therapist = (
        in_month.values("therapist_id", "therapist__name")
        .annotate(
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
            booked=Sum(held, filter=Q(status__in=BOOKED)),
        )
        .order_by()
    )
    rows = {
        therapist.pk: TherapistRow(therapist.pk, therapist.name)
        for therapist in Therapist.objects.active()
    }
    for line in per_therapist:
        row = rows.setdefault(
            line["therapist_id"], TherapistRow(line["therapist_id"], line["therapist__name"])
        )
        row.completed, row.no_shows = line["completed"], line["no_shows"]
        row.booked = line["booked"] or ZERO
    for therapist_id, worked in worked_time(rows, first_day, start, end, clinic.zone).items():
        rows[therapist_id].worked = worked

    month = Month(first_day=first_day)
    month.therapists = sorted(rows.values(), key=lambda row: row.name)
    month.services = dict(
        in_month.filter(status=Status.COMPLETED)
        .values_list("service__name")
        .annotate(Count("pk"))
        .order_by("service__name")
    )
    totals = in_month.aggregate(
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        expired=Count("pk", filter=Q(status=Status.EXPIRED)),
    )
    month.declined, month.expired = totals["declined"], totals["expired"]
    month.no_shows = sum(row.no_shows for row in month.therapists)
    month.late_cancellations = late_cancellation_count(
        in_month, notice_hours=clinic.cancellation_notice_hours
    )
    patients = (
        in_month.filter(status__in=ATTENDED, patient__isnull=False)
        .annotate(returning=visits.seen_before())
        .aggregate(
            seen=Count("patient", distinct=True),
            new=Count("patient", distinct=True, filter=Q(returning=False)),
        )
    )
    month.new_patients = patients["new"]
    month.returning_patients = patients["seen"] - patients["new"]
    _waits(month, in_month)
    _takings(month, user=user, clinic=clinic)
    return month


def worked_time(rows, first_day, start, end, zone):
    """{therapist id: working time in the month} from their weekly blocks on the days the clinic
    is open, less the time off that overlaps them. Two queries (hours, time off) besides the
    closures'."""
    last_day = next_month(first_day) - datetime.timedelta(days=1)
    closed = availability.closures_by_date(first_day, last_day)
    blocks = defaultdict(list)
    for therapist_id, weekday, opens, closes in WorkingHours.objects.filter(
        therapist_id__in=list(rows)
    ).values_list("therapist_id", "weekday", "start_time", "end_time"):
        blocks[therapist_id].append((weekday, opens, closes))
    away = defaultdict(list)
    for therapist_id, off_start, off_end in TimeOff.objects.filter(
        therapist_id__in=list(rows), start__lt=end, end__gt=start
    ).values_list("therapist_id", "start", "end"):
        away[therapist_id].append((off_start, off_end))
    worked = {}
    for therapist_id, weekly in blocks.items():
        total = ZERO
        for day in availability.dates(first_day, last_day):
            if day in closed:
                continue
            for weekday, opens, closes in weekly:
                if weekday != day.weekday():
                    continue
                block_start = availability.wall_clock_instant(day, opens, zone, boundary="start")
                block_end = availability.wall_clock_instant(day, closes, zone, boundary="end")
                total += block_end - block_start
                for off_start, off_end in away[therapist_id]:
                    total -= max(ZERO, min(block_end, off_end) - max(block_start, off_start))
        worked[therapist_id] = total
    return worked


def _waits(month, in_month):
    """How long requests waited for staff's answer: one row per answered request (the
    percentiles need each wait), from one query."""
    waits = sorted(
        answered - asked
        for asked, answered in in_month.annotate(
            asked=Min("events__at", filter=Q(events__action=AppointmentEvent.Action.REQUESTED)),
            answered=Min("events__at", filter=Q(events__action__in=ANSWERS)),
        )
        .filter(asked__isnull=False, answered__isnull=False)
        .values_list("asked", "answered")
        .order_by()
    )
    month.answered = len(waits)
    if waits:
        month.wait_median = statistics.median(waits)
        month.wait_p90 = nearest_rank(waits, 90)


def nearest_rank(ordered, percent):
    """The percentile of sorted values by the nearest-rank method (always one of the values)."""
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def hours(duration):
    """A duration as hours with one decimal, for tables, the chart and the CSV."""
    return round((duration or ZERO).total_seconds() / 3600, 1)


def wait_text(duration):
    if duration is None:
        return "–"
    minutes = round(duration.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


@dataclass
class Bar:
    y: int
    width: int
    kind: str  # "worked" or "booked": the CSS class that colours it
    label: str  # the figure written beside the bar


@dataclass
class ChartGroup:
    name: str
    y: int  # where the therapist's name sits
    bars: list


# The chart's geometry, in SVG user units (the picture scales to its box).
CHART_WIDTH = 720
NAME_WIDTH = 190
BAR_SPACE = 380  # leaves room for the longest label ("144.0 h worked") after the bar
BAR_HEIGHT = 16
GROUP_HEIGHT = 56


def chart(month):
    """Hours worked and booked per therapist in `month`, as horizontal bars: the SVG's shapes,
    computed here so the template only places them (the table beside it says the same)."""
    rows = [row for row in month.therapists if row.worked or row.booked]
    longest = max([hours(row.worked) for row in rows] + [hours(row.booked) for row in rows] + [1])
    groups = []
    for index, row in enumerate(rows):
        top = 12 + index * GROUP_HEIGHT
        bars = [
            Bar(top, round(BAR_SPACE * hours(row.worked) / longest), "worked",
                f"{hours(row.worked)} h worked"),
            Bar(top + BAR_HEIGHT + 4, round(BAR_SPACE * hours(row.booked) / longest), "booked",
                f"{hours(row.booked)} h booked"),
        ]  # fmt: skip
        groups.append(ChartGroup(row.name, top + BAR_HEIGHT + 2, bars))
    return {
        "groups": groups,
        "width": CHART_WIDTH,
        "height": 12 + len(groups) * GROUP_HEIGHT,
        "name_width": NAME_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bar_x": NAME_WIDTH,
    }
