"""The hot path's hand-written reads (booking/rules/availability_reads.py) against the ORM's
definitions of the same rows, over varied data on the suite's database: what holds a therapist's
time cannot come to mean one thing in SQL and another in the models."""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import Appointment
from booking.rules import availability, availability_reads
from clinic.models import Closure, TimeOff, WorkingHours
from tests.factories import ServiceFactory, TherapistFactory

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
# Around the spring clock change of 2027, so local midnights are 23 and 24 hours apart.
FIRST_DAY = datetime.date(2027, 3, 11)
DAYS = 6
# In UTC, so adding minutes adds elapsed time (a wall-clock 02:30 on the 14th never happens).
ORIGIN = datetime.datetime.combine(FIRST_DAY, datetime.time(0), TORONTO).astimezone(datetime.UTC)


def epoch(instant):
    return int(instant.timestamp())


visits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which therapist
        st.integers(min_value=-2 * 24 * 4, max_value=(DAYS + 2) * 24 * 4),  # quarter-hours in
        st.sampled_from([15, 60, 90, 24 * 60]),  # minutes held (a day-long hold included)
        st.sampled_from(list(Appointment.Status)),
        st.booleans(),  # among the visits being moved (ignored)
    ),
    max_size=12,
)
time_off = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=-3 * 24 * 4, max_value=(DAYS + 2) * 24 * 4),
        st.integers(min_value=1, max_value=5 * 24 * 4),
    ),
    max_size=5,
)
windows = st.tuples(
    st.integers(min_value=0, max_value=DAYS - 1), st.integers(min_value=1, max_value=DAYS)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(visits=visits, time_off=time_off, window=windows, asked=st.sets(st.integers(0, 2)))
def test_busy_rows_are_the_active_overlapping_visits_and_time_off_the_orm_reads(
    booking_clinic, visits, time_off, window, asked
):
    with transaction.atomic():
        therapists = [TherapistFactory() for _ in range(3)]
        service = ServiceFactory(therapists=therapists)
        ignoring, held = [], []
        for index, (who, quarters, minutes, status, ignored) in enumerate(visits):
            start = ORIGIN + datetime.timedelta(minutes=15 * quarters)
            end = start + datetime.timedelta(minutes=minutes)
            if status in Appointment.ACTIVE_STATUSES:
                # Active visits never overlap one another (PostgreSQL refuses it).
                if any(w == who and s < end and e > start for w, s, e in held):
                    continue
                held.append((who, start, end))
            visit = Appointment.objects.create(
                service=service,
                therapist=therapists[who],
                start=start,
                end=start + datetime.timedelta(minutes=minutes),
                hold_until=start + datetime.timedelta(minutes=minutes),
                status=status,
                patient_name=f"P{index}",
                patient_email="p@example.com",
                patient_phone="+14165550100",
            )
            if ignored:
                ignoring.append(visit.pk)
        for who, quarters, length in time_off:
            start = ORIGIN + datetime.timedelta(minutes=15 * quarters)
            TimeOff.objects.create(
                therapist=therapists[who],
                start=start,
                end=start + datetime.timedelta(minutes=15 * length),
            )
        first, days = window
        window_start = availability.wall_clock_instant(
            FIRST_DAY + datetime.timedelta(days=first),
            datetime.time(0),
            TORONTO,
            boundary="start",
        )
        window_end = availability.wall_clock_instant(
            FIRST_DAY + datetime.timedelta(days=first + days),
            datetime.time(0),
            TORONTO,
            boundary="end",
        )
        ids = [therapists[who].pk for who in sorted(asked)]

        read = availability_reads.busy_rows(ids, window_start, window_end, ignoring=ignoring)

        by_orm = [
            (therapist_id, epoch(start), epoch(end))
            for therapist_id, start, end in Appointment.objects.active()
            .filter(therapist_id__in=ids)
            .overlapping(window_start, window_end)
            .exclude(pk__in=ignoring)
            .values_list("therapist_id", "start", "hold_until")
        ] + [
            (therapist_id, epoch(start), epoch(end))
            for therapist_id, start, end in TimeOff.objects.filter(
                therapist_id__in=ids, start__lt=window_end, end__gt=window_start
            ).values_list("therapist_id", "start", "end")
        ]
        assert sorted(read) == sorted(by_orm)
        transaction.set_rollback(True)


def test_a_visit_held_past_the_window_start_is_busy_and_one_ended_at_it_is_not(booking_clinic):
    """The two edges the property test may miss, pinned."""
    dana, marcus = TherapistFactory(), TherapistFactory()
    service = ServiceFactory(therapists=[dana, marcus])
    window_start = ORIGIN + datetime.timedelta(days=1)
    for therapist, held in ((dana, 90), (marcus, 60)):
        start = window_start - datetime.timedelta(minutes=60)
        Appointment.objects.create(
            service=service,
            therapist=therapist,
            start=start,
            end=start + datetime.timedelta(minutes=held),
            hold_until=start + datetime.timedelta(minutes=held),
            status=Appointment.Status.CONFIRMED,
            patient_name="P",
            patient_email="p@example.com",
            patient_phone="+14165550100",
        )
    rows = availability_reads.busy_rows(
        [dana.pk, marcus.pk],
        window_start,
        window_start + datetime.timedelta(days=1),
    )
    assert rows == [(dana.pk, epoch(window_start) - 3600, epoch(window_start) + 1800)]


def test_working_blocks_and_closures_read_as_the_models_hold_them(booking_clinic):
    dana, marcus, other = (TherapistFactory() for _ in range(3))
    for therapist, weekday, opens, closes in (
        (dana, 0, datetime.time(9), datetime.time(12, 30)),
        (dana, 0, datetime.time(13, 30), datetime.time(17, 45)),
        (marcus, 4, datetime.time(7, 15), datetime.time(23, 59)),
        (other, 2, datetime.time(10), datetime.time(11)),
    ):
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, start_time=opens, end_time=closes
        )
    Closure.objects.create(
        name="Holidays", start_date=datetime.date(2027, 12, 24), end_date=datetime.date(2028, 1, 2)
    )
    Closure.objects.create(
        name="Before", start_date=datetime.date(2027, 12, 1), end_date=datetime.date(2027, 12, 19)
    )

    assert sorted(availability_reads.working_blocks([dana.pk, marcus.pk])) == sorted(
        WorkingHours.objects.filter(therapist__in=[dana, marcus]).values_list(
            "therapist_id", "weekday", "start_time", "end_time"
        )
    )
    assert availability_reads.working_blocks([]) == []
    assert availability_reads.closures_between(
        datetime.date(2027, 12, 20), datetime.date(2027, 12, 31)
    ) == [("Holidays", datetime.date(2027, 12, 24), datetime.date(2028, 1, 2))]
    assert availability.closures_by_date(
        datetime.date(2027, 12, 19), datetime.date(2027, 12, 24)
    ) == {
        datetime.date(2027, 12, 19): "Before",
        datetime.date(2027, 12, 24): "Holidays",
    }
