"""The three reads every free-times answer makes (busy time, working hours, closures), as SQL
written once per shape of query instead of built by the ORM on every call.

Why not the ORM: building and compiling a queryset costs about 0.6 ms each here, and reading
its rows through its converters as much again; free_slots for ten therapists over two weeks
was half that overhead (issue 22). The same three reads as plain SQL take a fifth of the time.

What makes an appointment hold time is still defined once: `Appointment.ACTIVE_STATUSES` is
passed in as it is, and the overlap is the one `AppointmentQuerySet.overlapping` says in the
ORM (starts before the window ends, at most LONGEST_HOLD before it starts, holds past its
start). tests/booking/rules/test_availability_reads.py reads the same rows both ways over
varied data on the suite's database (SQLite, and PostgreSQL in CI), so they cannot drift apart.
"""

import functools

from django.db import connection

from booking.models import LONGEST_HOLD, Appointment
from clinic.models import Closure, TimeOff, WorkingHours

# A datetime column as whole seconds since 1970 (UTC), computed by the database: the busy
# spans need no datetime objects, whose parsing was half of free_slots' time on SQLite. The
# two databases the clinic runs on (README: SQLite, PostgreSQL) each say it their way.
EPOCH_SECONDS = {
    "sqlite": "CAST(strftime('%%s', {}) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM {}) AS BIGINT)",
}


def _column(model, name):
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"


def _placeholders(count):
    return ", ".join(["%s"] * count)


@functools.cache
def _busy_sql(vendor, therapists, ignored):
    """Active appointments (with their buffers) and time off touching a window, one round trip."""
    epoch = EPOCH_SECONDS[vendor].format
    visit = functools.partial(_column, Appointment)
    off = functools.partial(_column, TimeOff)
    excluded = f" AND NOT ({visit('id')} IN ({_placeholders(ignored)}))" if ignored else ""
    return (
        f"SELECT {visit('therapist')}, {epoch(visit('start'))}, {epoch(visit('hold_until'))}"
        f" FROM {connection.ops.quote_name(Appointment._meta.db_table)}"
        f" WHERE {visit('status')} IN ({_placeholders(len(Appointment.ACTIVE_STATUSES))})"
        f" AND {visit('therapist')} IN ({_placeholders(therapists)})"
        f" AND {visit('start')} >= %s AND {visit('start')} < %s AND {visit('hold_until')} > %s"
        f"{excluded}"
        f" UNION ALL SELECT {off('therapist')}, {epoch(off('start'))}, {epoch(off('end'))}"
        f" FROM {connection.ops.quote_name(TimeOff._meta.db_table)}"
        f" WHERE {off('therapist')} IN ({_placeholders(therapists)})"
        f" AND {off('start')} < %s AND {off('end')} > %s"
    )


def busy_rows(therapist_ids, window_start, window_end, *, ignoring=()):
    """(therapist id, start, end) in epoch seconds, unsorted, for every active appointment and
    time off of these therapists holding any time in [window_start, window_end), leaving out
    the appointments in `ignoring`."""
    if not therapist_ids:
        return []
    ignoring = list(ignoring)
    datetime_value = connection.ops.adapt_datetimefield_value
    sql = _busy_sql(connection.vendor, len(therapist_ids), len(ignoring))
    params = [
        *Appointment.ACTIVE_STATUSES,
        *therapist_ids,
        datetime_value(window_start - LONGEST_HOLD),
        datetime_value(window_end),
        datetime_value(window_start),
        *ignoring,
        *therapist_ids,
        datetime_value(window_end),
        datetime_value(window_start),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _hours_sql(vendor, therapists):
    hours = functools.partial(_column, WorkingHours)
    return (
        f"SELECT {hours('therapist')}, {hours('weekday')}, {hours('start_time')},"
        f" {hours('end_time')} FROM {connection.ops.quote_name(WorkingHours._meta.db_table)}"
        f" WHERE {hours('therapist')} IN ({_placeholders(therapists)})"
    )


# SQLite hands back times and dates as text, PostgreSQL as objects: the fields' own to_python
# reads both. Remembered, as a clinic has a few dozen distinct values.
_time = functools.lru_cache(maxsize=1024)(WorkingHours._meta.get_field("start_time").to_python)
_date = functools.lru_cache(maxsize=4096)(Closure._meta.get_field("start_date").to_python)


def working_blocks(therapist_ids):
    """(therapist id, weekday, opens, closes) for each working block of these therapists."""
    if not therapist_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_hours_sql(connection.vendor, len(therapist_ids)), list(therapist_ids))
        return [
            (therapist_id, weekday, _time(opens), _time(closes))
            for therapist_id, weekday, opens, closes in cursor.fetchall()
        ]


@functools.cache
def _closures_sql(vendor):
    closure = functools.partial(_column, Closure)
    return (
        f"SELECT {closure('name')}, {closure('start_date')}, {closure('end_date')}"
        f" FROM {connection.ops.quote_name(Closure._meta.db_table)}"
        f" WHERE {closure('start_date')} <= %s AND {closure('end_date')} >= %s"
    )


def closures_between(start_date, end_date):
    """(name, first date, last date) of each closure touching the range."""
    date_value = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _closures_sql(connection.vendor), [date_value(end_date), date_value(start_date)]
        )
        return [(name, _date(first), _date(last)) for name, first, last in cursor.fetchall()]
