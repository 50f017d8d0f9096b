"""Courses of visits (booking/rules/courses.py): the dates wanted, each checked with the nearest
free alternative, booked all at once, moved or cancelled "this and the following ones", and one
email listing the dates with one calendar file."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from icalendar import Calendar

from booking.models import Appointment, AppointmentEvent
from booking.rules import courses, services
from tests.booking.conftest import at
from tests.factories import ClosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(weekly_course):
    return weekly_course


def _local(instant, zone):
    return instant.astimezone(zone)


def weeks_after(visit, weeks, zone, clock="10:00"):
    day = _local(visit.start, zone).date() + datetime.timedelta(weeks=weeks)
    return at(day, clock, zone)


def test_every_two_weeks_six_visits_gives_five_more_at_the_same_clock_time(
    tuesday_visit, booking_clinic
):
    zone = booking_clinic.zone
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=2, weekdays=[1], visits=6, zone=zone
    )
    assert starts == [weeks_after(tuesday_visit, weeks, zone) for weeks in (2, 4, 6, 8, 10)]


def test_chosen_days_give_each_day_of_each_week_after_the_first_visit(
    tuesday_visit, booking_clinic
):
    zone = booking_clinic.zone
    # Tuesdays and Thursdays, weekly: Thursday of the first week comes next.
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=1, weekdays=[3, 1], visits=4, zone=zone
    )
    first_day = _local(tuesday_visit.start, zone).date()
    assert [_local(start, zone).date() - first_day for start in starts] == [
        datetime.timedelta(days=2), datetime.timedelta(days=7), datetime.timedelta(days=9),
    ]  # fmt: skip
    assert {_local(start, zone).time() for start in starts} == {datetime.time(10)}


def test_a_clash_and_a_closure_are_named_with_the_nearest_free_time(
    tuesday_visit, booking_clinic, massage, dana, front_desk_user
):
    zone = booking_clinic.zone
    wanted = courses.wanted_starts(
        tuesday_visit.start, every_weeks=1, weekdays=[1], visits=4, zone=zone
    )
    # Week 2: someone else has Dana at 10:00. Week 3: the clinic is closed that day.
    other = Appointment(
        service=massage, therapist=dana, start=wanted[1], patient_name="Sam Other",
        patient_phone="+14165550999",
    )  # fmt: skip
    services.book_by_staff(appointment=other, by=front_desk_user)
    closed_day = _local(wanted[2], zone).date()
    ClosureFactory(start_date=closed_day, end_date=closed_day, name="Staff training")

    proposals = courses.plan(clinic=booking_clinic, service=massage, therapist=dana, wanted=wanted)

    assert [proposal.free for proposal in proposals] == [True, False, False]
    clash, closure = proposals[1], proposals[2]
    assert clash.problem == "Dana Whitfield has another visit then"
    # The other visit holds 10:00-11:15; an hour from 9:00 would touch it and one from 11:15
    # would run past her noon break: the same day still comes first, at her afternoon's start.
    assert clash.alternative == at(_local(wanted[1], zone).date(), "13:00", zone)
    assert closure.problem == "The clinic is closed that day (Staff training)"
    # The same clock time on the nearest open day (the day before), not 4 PM the day before.
    assert closure.alternative == at(closed_day - datetime.timedelta(days=1), "10:00", zone)


def test_booking_a_course_books_every_accepted_time_as_one_course_with_one_email(
    tuesday_visit, booking_clinic, front_desk_user, django_capture_on_commit_callbacks
):
    zone = booking_clinic.zone
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=2, weekdays=[1], visits=4, zone=zone
    )
    with django_capture_on_commit_callbacks(execute=True):
        course = courses.book(
            visit=tuesday_visit, starts=starts, every_weeks=2, weekdays=[1], by=front_desk_user
        )

    visits = list(course.visits.order_by("start"))
    assert [visit.start for visit in visits] == [tuesday_visit.start, *starts]
    assert {visit.status for visit in visits} == {Appointment.Status.CONFIRMED}
    assert {visit.patient_id for visit in visits} == {tuesday_visit.patient_id}
    assert course.planned_visits == 4
    assert visits[1].events.get().action == AppointmentEvent.Action.BOOKED

    [email] = mail.outbox
    assert email.to == ["avery@example.com"]
    assert "4 appointments" in email.subject
    for visit in visits:
        assert visit.reference in email.body
    # No health detail: the service's name says too much (prenatal massage).
    assert "Deep tissue" not in email.body
    assert "Deep tissue" not in email.subject
    [(_name, content, mimetype)] = email.attachments
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [visit.start for visit in visits]
    assert "method=PUBLISH" in mimetype


def test_a_time_taken_meanwhile_books_nothing(
    tuesday_visit, booking_clinic, front_desk_user, massage, dana
):
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=1, weekdays=[1], visits=3, zone=booking_clinic.zone
    )
    services.book_by_staff(
        appointment=Appointment(
            service=massage, therapist=dana, start=starts[1], patient_name="Sam Other",
            patient_phone="+14165550999",
        ),
        by=front_desk_user,
    )  # fmt: skip
    with pytest.raises(services.SlotUnavailable, match="nothing was booked"):
        courses.book(
            visit=tuesday_visit, starts=starts, every_weeks=1, weekdays=[1], by=front_desk_user
        )
    assert Appointment.objects.filter(course__isnull=False).count() == 0
    assert Appointment.objects.count() == 2


def test_moving_from_the_fourth_on_shifts_it_and_the_following_ones_alone(
    course, booking_clinic, dana, front_desk_user, django_capture_on_commit_callbacks
):
    zone = booking_clinic.zone
    fourth, later = course[3], course[4:]
    # Two days later at 2 PM.
    new_start = at(_local(fourth.start, zone).date() + datetime.timedelta(days=2), "14:00", zone)
    wanted = courses.shifted_starts(later, moved_from=fourth.start, moved_to=new_start, zone=zone)
    proposals = courses.plan(
        clinic=booking_clinic, service=fourth.service, therapist=dana, wanted=wanted, moving=later
    )
    assert all(proposal.free for proposal in proposals)
    with django_capture_on_commit_callbacks(execute=True):
        courses.move_from(
            visit=fourth, therapist=dana, start=new_start,
            moves=[(p.visit, p.wanted) for p in proposals], by=front_desk_user,
        )  # fmt: skip

    starts = [visit.start for visit in Appointment.objects.filter(course=fourth.course)]
    kept = [visit.start for visit in course[:3]]
    assert starts[:3] == kept
    assert [_local(start, zone).weekday() for start in starts[3:]] == [3, 3, 3]
    assert {_local(start, zone).time() for start in starts[3:]} == {datetime.time(14)}
    [email] = mail.outbox
    assert "moved" in email.subject
    events = Calendar.from_ical(email.attachments[0][1]).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == starts[3:]


def test_moving_a_course_a_week_later_moves_each_onto_the_next_ones_old_time(
    course, booking_clinic, dana, front_desk_user
):
    """Each visit goes where the next one was: the last moves first, so nothing clashes."""
    zone = booking_clinic.zone
    fourth, later = course[3], course[4:]
    before = [visit.start for visit in course[3:]]
    new_start = a_week_later(fourth.start, zone)
    wanted = courses.shifted_starts(later, moved_from=fourth.start, moved_to=new_start, zone=zone)
    proposals = courses.plan(
        clinic=booking_clinic, service=fourth.service, therapist=dana, wanted=wanted, moving=later
    )
    courses.move_from(
        visit=fourth, therapist=dana, start=new_start,
        moves=[(p.visit, p.wanted) for p in proposals], by=front_desk_user,
    )  # fmt: skip
    starts = list(Appointment.objects.filter(course=fourth.course).values_list("start", flat=True))
    assert starts[3:] == [a_week_later(start, zone) for start in before]


def a_week_later(instant, zone):
    """The same clinic time a week on (across a clock change, not 168 hours)."""
    local = instant.astimezone(zone)
    return at(local.date() + datetime.timedelta(weeks=1), local.strftime("%H:%M"), zone)


@pytest.mark.parametrize(
    ("first", "change"),
    [(datetime.date(2027, 3, 9), "spring forward"), (datetime.date(2027, 11, 2), "fall back")],
)
def test_a_course_across_a_clock_change_keeps_its_time_of_day(first, change):
    """Toronto changes its clocks on 2027-03-14 and 2027-11-07: the visits stay at 10:00."""
    zone = zoneinfo.ZoneInfo("America/Toronto")
    starts = courses.wanted_starts(
        at(first - datetime.timedelta(weeks=1), "10:00", zone), every_weeks=1, weekdays=[1],
        visits=3, zone=zone,
    )  # fmt: skip
    assert [start.astimezone(zone).strftime("%m-%d %H:%M") for start in starts] == [
        first.strftime("%m-%d 10:00"),
        (first + datetime.timedelta(weeks=1)).strftime("%m-%d 10:00"),
    ], change
    assert starts[1] - starts[0] != datetime.timedelta(weeks=1)  # 167 or 169 hours
    moved = courses.shifted_starts(
        [Appointment(start=start) for start in starts], moved_from=starts[0],
        moved_to=at(first + datetime.timedelta(days=2), "14:00", zone), zone=zone,
    )  # fmt: skip
    assert {start.astimezone(zone).strftime("%H:%M") for start in moved} == {"14:00"}


def test_moves_that_cross_are_written_in_an_order_the_database_accepts(
    tuesday_visit, booking_clinic, dana, front_desk_user
):
    """A Tuesday-and-Wednesday course: Tuesday's visit goes to the afternoon and Wednesday's
    to Tuesday's old morning time; written the other way round, the second would clash."""
    zone = booking_clinic.zone
    starts = courses.wanted_starts(
        tuesday_visit.start, every_weeks=1, weekdays=[1, 2], visits=2, zone=zone
    )
    course = courses.book(
        visit=tuesday_visit, starts=starts, every_weeks=1, weekdays=[1, 2], by=front_desk_user
    )
    tuesday, wednesday = course.visits.order_by("start")
    old_morning = tuesday.start
    afternoon = at(tuesday.start.astimezone(zone).date(), "14:00", zone)
    courses.move_from(
        visit=tuesday, therapist=dana, start=afternoon, moves=[(wednesday, old_morning)],
        by=front_desk_user,
    )  # fmt: skip
    assert sorted(course.visits.values_list("start", flat=True)) == [old_morning, afternoon]


def test_moves_that_each_need_the_others_time_are_refused_and_nothing_moves(
    course, dana, front_desk_user
):
    fifth, sixth = course[4], course[5]
    with pytest.raises(services.SlotUnavailable, match="one at a time"):
        courses.move_from(
            visit=fifth, therapist=dana, start=sixth.start, moves=[(sixth, fifth.start)],
            by=front_desk_user,
        )  # fmt: skip
    assert Appointment.objects.get(pk=fifth.pk).start == fifth.start


def test_cancelling_this_and_the_following_ones_sends_one_email_that_removes_them(
    course, front_desk_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        courses.cancel_from(visit=course[3], by=front_desk_user, by_patient=False)

    statuses = list(
        Appointment.objects.filter(course=course[0].course).values_list("status", flat=True)
    )
    assert statuses == ["confirmed"] * 3 + ["cancelled"] * 3
    [email] = mail.outbox
    assert email.subject.startswith("3 appointments")
    content, mimetype = email.attachments[0][1:]
    assert "method=CANCEL" in mimetype
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [str(event["status"]) for event in events] == ["CANCELLED"] * 3
