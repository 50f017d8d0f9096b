import datetime
import itertools
import zoneinfo

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import Appointment
from booking.rules import availability
from booking.rules.availability import Busy, free_slots, free_times_by_day, wall_clock_instant
from clinic.models import Closure, TimeOff, WorkingHours
from tests.booking.conftest import at, next_weekday
from tests.factories import ServiceFactory, TherapistFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
UTC = datetime.UTC


def book(therapist, service, start, status=Appointment.Status.CONFIRMED, minutes=None):
    end = start + datetime.timedelta(minutes=minutes or service.duration_minutes)
    return Appointment.objects.create(
        service=service,
        therapist=therapist,
        start=start,
        end=end,
        hold_until=end + datetime.timedelta(minutes=service.buffer_minutes),
        status=status,
        patient_name="P",
        patient_email="p@example.com",
        patient_phone="+14165550100",
    )


def local_times(slots, zone=TORONTO):
    return [slot.start.astimezone(zone).strftime("%H:%M") for slot in slots]


def slots_on(clinic, service, therapists, day, now=None):
    return free_slots(
        clinic=clinic,
        service=service,
        therapists=therapists,
        start_date=day,
        end_date=day,
        now=now or at(day, "00:00", TORONTO) - datetime.timedelta(days=1),
    )


def test_free_times_follow_working_blocks_and_leave_the_lunch_break(
    booking_clinic, massage, dana, monday
):
    times = local_times(slots_on(booking_clinic, massage, [dana], monday))
    assert times[0] == "09:00"
    assert "11:00" in times
    assert "11:15" not in times  # 11:15 + 60 minutes runs into the lunch break
    assert "12:00" not in times
    assert times[-1] == "16:00"
    assert all(
        slot.tzinfo == UTC
        for slot in [s.start for s in slots_on(booking_clinic, massage, [dana], monday)]
    )


def test_blocks_that_overlap_offer_each_time_once(booking_clinic, massage, dana, monday):
    """The admin refuses overlapping blocks; rows written another way still offer a time once."""
    before = local_times(slots_on(booking_clinic, massage, [dana], monday))
    WorkingHours.objects.create(
        therapist=dana,
        weekday=monday.weekday(),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    times = local_times(slots_on(booking_clinic, massage, [dana], monday))
    assert len(times) == len(set(times))
    assert set(before) <= set(times)


def test_an_active_appointment_and_its_buffer_block_the_time(booking_clinic, massage, dana, monday):
    book(dana, massage, at(monday, "10:00", TORONTO))  # holds 10:00–11:15
    times = local_times(slots_on(booking_clinic, massage, [dana], monday))
    # A new visit plus its own 15-minute buffer must end by 10:00, or start from 11:15.
    assert "09:00" not in times  # 09:00–10:00, then its buffer runs to 10:15
    assert "09:45" not in times
    assert "10:45" not in times
    assert "11:00" not in times  # starts inside the 11:00–11:15 turnover
    assert "13:00" in times


def test_declined_and_cancelled_appointments_free_their_time(booking_clinic, massage, dana, monday):
    book(dana, massage, at(monday, "09:00", TORONTO), status=Appointment.Status.DECLINED)
    book(dana, massage, at(monday, "13:00", TORONTO), status=Appointment.Status.CANCELLED)
    times = local_times(slots_on(booking_clinic, massage, [dana], monday))
    assert "09:00" in times
    assert "13:00" in times


def test_time_off_and_closures_remove_times(booking_clinic, massage, dana, monday):
    TimeOff.objects.create(
        therapist=dana, start=at(monday, "13:00", TORONTO), end=at(monday, "17:00", TORONTO)
    )
    times = local_times(slots_on(booking_clinic, massage, [dana], monday))
    assert times[-1] == "11:00"  # the whole afternoon block is time off
    tuesday = monday + datetime.timedelta(days=1)
    Closure.objects.create(name="Holiday", start_date=tuesday, end_date=tuesday)
    assert slots_on(booking_clinic, massage, [dana], tuesday) == []


def test_minimum_notice_and_booking_horizon_are_respected(booking_clinic, massage, dana, monday):
    now = at(monday, "09:30", TORONTO)  # two hours' notice: nothing before 11:30
    times = local_times(slots_on(booking_clinic, massage, [dana], monday, now=now))
    assert times[0] == "13:00"
    booking_clinic.booking_horizon_days = 3
    far = monday + datetime.timedelta(days=7)
    assert slots_on(booking_clinic, massage, [dana], far, now=now) == []


def test_any_therapist_offers_each_time_once_with_the_first_free_therapist(
    booking_clinic, massage, dana, marcus, monday
):
    book(dana, massage, at(monday, "09:00", TORONTO))
    slots = slots_on(booking_clinic, massage, [dana, marcus], monday)
    by_day = free_times_by_day(slots, TORONTO)[monday]
    nine = [slot for slot in by_day if slot.start == at(monday, "09:00", TORONTO)]
    assert [slot.therapist_id for slot in nine] == [marcus.pk]
    assert len({slot.start for slot in by_day}) == len(by_day)


def test_a_range_is_read_in_a_fixed_number_of_queries(
    booking_clinic, massage, dana, marcus, monday, django_assert_num_queries
):
    book(dana, massage, at(monday, "09:00", TORONTO))
    for days in (1, 30):
        # Visits and time off in one, working hours, closures.
        with django_assert_num_queries(3):
            free_slots(
                clinic=booking_clinic,
                service=massage,
                therapists=[dana, marcus],
                start_date=monday,
                end_date=monday + datetime.timedelta(days=days),
                now=at(monday, "00:00", TORONTO),
            )


# --- Daylight saving time (America/Toronto, 2027) ------------------------------------------
SPRING_FORWARD = datetime.date(2027, 3, 14)  # 02:00 becomes 03:00
FALL_BACK = datetime.date(2027, 11, 7)  # 02:00 becomes 01:00


@pytest.mark.parametrize(
    ("day", "clock", "boundary", "expected_utc"),
    [
        (SPRING_FORWARD, "09:00", "start", "13:00"),  # after the change: UTC-4
        (SPRING_FORWARD, "01:00", "start", "06:00"),  # before: UTC-5
        (SPRING_FORWARD, "02:30", "start", "07:00"),  # never happens: the moment of the jump
        (SPRING_FORWARD, "02:30", "end", "07:00"),
        (FALL_BACK, "01:30", "start", "05:30"),  # happens twice: the first for a start
        (FALL_BACK, "01:30", "end", "06:30"),  # and the second for an end
    ],
)
def test_wall_clock_times_map_to_real_instants_on_the_days_clocks_change(
    day, clock, boundary, expected_utc
):
    instant = wall_clock_instant(
        day, datetime.time.fromisoformat(clock), TORONTO, boundary=boundary
    )
    assert instant.strftime("%H:%M") == expected_utc
    assert instant.date() == day


@pytest.fixture
def sunday_worker(booking_clinic):
    booking_clinic.booking_horizon_days = 365
    therapist = TherapistFactory()
    service = ServiceFactory(duration_minutes=60, buffer_minutes=0, therapists=[therapist])
    return therapist, service


@pytest.mark.parametrize("dst_day", [SPRING_FORWARD, FALL_BACK])
def test_daytime_slots_are_the_same_wall_clock_times_on_the_days_clocks_change(
    booking_clinic, sunday_worker, dst_day
):
    therapist, service = sunday_worker
    WorkingHoursFactory(
        therapist=therapist, weekday=6, start_time=datetime.time(9), end_time=datetime.time(17)
    )
    ordinary = dst_day - datetime.timedelta(days=7)
    dst_slots = slots_on(booking_clinic, service, [therapist], dst_day)
    assert local_times(dst_slots) == local_times(
        slots_on(booking_clinic, service, [therapist], ordinary)
    )
    assert len(dst_slots) == 29  # 09:00 to 16:00 every 15 minutes
    gaps = {later.start - earlier.start for earlier, later in itertools.pairwise(dst_slots)}
    assert gaps == {datetime.timedelta(minutes=15)}


def test_no_slot_is_invented_in_the_hour_that_does_not_exist(booking_clinic, sunday_worker):
    therapist, service = sunday_worker
    WorkingHoursFactory(
        therapist=therapist, weekday=6, start_time=datetime.time(0), end_time=datetime.time(6)
    )
    slots = slots_on(booking_clinic, service, [therapist], SPRING_FORWARD)
    times = local_times(slots)
    assert not [time for time in times if time.startswith("02:")]
    # Five real hours of work, so a one-hour visit may start in the first four: 17 starts.
    assert len(slots) == 4 * 4 + 1
    assert len({slot.start for slot in slots}) == len(slots)
    assert all(
        slot.start + datetime.timedelta(hours=1) <= at(SPRING_FORWARD, "06:00", TORONTO)
        for slot in slots
    )


def test_the_repeated_hour_is_offered_once_per_real_instant(booking_clinic, sunday_worker):
    therapist, service = sunday_worker
    WorkingHoursFactory(
        therapist=therapist, weekday=6, start_time=datetime.time(0), end_time=datetime.time(6)
    )
    slots = slots_on(booking_clinic, service, [therapist], FALL_BACK)
    # Seven real hours of work (one-hour visits start in the first six); 01:xx comes twice.
    assert len(slots) == 6 * 4 + 1
    assert len({slot.start for slot in slots}) == len(slots)
    labels = [slot.start.astimezone(TORONTO).strftime("%H:%M %Z") for slot in slots]
    assert "01:30 EDT" in labels
    assert "01:30 EST" in labels
    assert len(set(labels)) == len(labels)


# --- Properties -----------------------------------------------------------------------------
quarter_hours = st.integers(min_value=0, max_value=24 * 4).map(lambda q: q * 15)


@st.composite
def schedules(draw):
    cuts = sorted(
        draw(st.sets(st.integers(min_value=6 * 4, max_value=21 * 4), min_size=2, max_size=6))
    )
    blocks = [(cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts) - 1, 2)]
    busy = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=5 * 60, max_value=21 * 60),
                st.sampled_from([30, 45, 60, 90]),
                st.sampled_from(["requested", "confirmed", "declined", "cancelled", "time_off"]),
            ),
            max_size=4,
        )
    )
    return {
        "blocks": blocks,
        "busy": busy,
        "duration": draw(st.sampled_from([30, 45, 60, 90])),
        "buffer": draw(st.sampled_from([0, 10, 15])),
        "step": draw(st.sampled_from([5, 10, 15, 30])),
        "closed": draw(st.booleans()) and draw(st.booleans()),
    }


def minutes_of(instant):
    local = instant.astimezone(TORONTO)
    return local.hour * 60 + local.minute


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedule=schedules())
def test_offered_slots_are_exactly_the_free_times_inside_working_hours(booking_clinic, schedule):
    """Checked against a plain minute-by-minute model of the same day, on an ordinary day."""
    day = next_weekday(2, weeks_ahead=2)
    with transaction.atomic():
        booking_clinic.slot_step_minutes = schedule["step"]
        therapist = TherapistFactory()
        service = ServiceFactory(
            duration_minutes=schedule["duration"],
            buffer_minutes=schedule["buffer"],
            therapists=[therapist],
        )
        other = ServiceFactory(duration_minutes=30, buffer_minutes=5)
        for start, end in schedule["blocks"]:
            WorkingHours.objects.create(
                therapist=therapist,
                weekday=day.weekday(),
                start_time=datetime.time(start // 60, start % 60),
                end_time=datetime.time(end // 60, end % 60)
                if end < 1440
                else datetime.time(23, 59),
            )
        taken = []  # (start, end) minutes that a new visit and its buffer must not touch
        booked = []
        for start, length, kind in schedule["busy"]:
            begin = at(day, f"{start // 60:02}:{start % 60:02}", TORONTO)
            if kind == "time_off":
                TimeOff.objects.create(
                    therapist=therapist, start=begin, end=begin + datetime.timedelta(minutes=length)
                )
                taken.append((start, start + length))
            elif kind in ("requested", "confirmed"):
                held = (start, start + length + 5)
                # Active appointments never overlap one another (PostgreSQL refuses it).
                if any(s < held[1] and e > held[0] for s, e in booked):
                    continue
                book(therapist, other, begin, status=kind, minutes=length)
                booked.append(held)
                taken.append(held)
            else:
                book(therapist, other, begin, status=kind, minutes=length)
        if schedule["closed"]:
            Closure.objects.create(name="Closed", start_date=day, end_date=day)

        offered = [
            minutes_of(slot.start) for slot in slots_on(booking_clinic, service, [therapist], day)
        ]

        expected = []
        if not schedule["closed"]:
            for block_start, block_end in schedule["blocks"]:
                block_end = min(block_end, 23 * 60 + 59)
                minute = block_start
                while minute + schedule["duration"] <= block_end:
                    hold_end = minute + schedule["duration"] + schedule["buffer"]
                    if not any(s < hold_end and e > minute for s, e in taken):
                        expected.append(minute)
                    minute += schedule["step"]
        assert offered == sorted(expected)
        transaction.set_rollback(True)


def test_property_test_runs_against_the_same_database_engine_as_the_suite():
    assert connection.vendor in {"sqlite", "postgresql"}


spans = st.tuples(st.integers(0, 600), st.integers(1, 300)).map(lambda s: (s[0], s[0] + s[1]))


@given(busy=st.lists(spans, max_size=12), candidate=spans)
def test_the_bisecting_overlap_check_answers_as_checking_every_interval(busy, candidate):
    # A long time off that starts early must still block a later start, past shorter visits.
    start, end = candidate
    expected = any(busy_start < end and busy_end > start for busy_start, busy_end in busy)
    assert Busy(busy).overlaps(start, end) == expected


def test_touching_intervals_do_not_overlap_and_a_long_one_blocks_past_shorter_ones():
    busy = Busy([(540, 1020), (600, 660)])  # a day's time off, and a visit inside it
    assert busy.overlaps(720, 780)
    assert not Busy([(540, 600)]).overlaps(600, 660)
    assert not Busy([(540, 600)]).overlaps(480, 540)
    assert not Busy().overlaps(0, 10)


@given(
    spans=st.lists(
        st.tuples(st.integers(0, 24 * 60), st.integers(1, 4 * 60)).map(lambda s: (s[0], sum(s))),
        max_size=8,
    ),
    block=st.tuples(st.integers(0, 12 * 60), st.integers(0, 12 * 60)).map(sorted),
    step=st.sampled_from([5, 10, 15, 30]),
    duration=st.sampled_from([15, 30, 60, 90]),
    buffer=st.sampled_from([0, 10, 15]),
    earliest=st.integers(0, 24 * 60),
)
def test_the_walk_along_busy_spans_finds_what_checking_each_start_finds(
    spans, block, step, duration, buffer, earliest
):
    """The walk jumps from span to span; a plain check of every start on the grid agrees."""
    opens, closes = block[0], block[0] + block[1]
    merged = availability._merged(spans)
    found = availability._free_starts(
        opens,
        closes,
        merged,
        [end for _start, end in merged],
        step=step,
        duration=duration,
        hold=duration + buffer,
        earliest=earliest,
    )
    expected = [
        start
        for start in range(opens, closes - duration + 1, step)
        if start >= earliest
        and not any(busy < start + duration + buffer and until > start for busy, until in spans)
    ]
    assert list(itertools.chain.from_iterable(found)) == expected
