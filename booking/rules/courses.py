"""Courses of visits: back pain treated every two weeks, six times, booked in one step.

A course starts from a visit (its first) and asks for more at the same clock time: every N weeks
on the chosen days of the week. Each time wanted is checked as staff booking it would be (working
hours, time off, closures, other visits; the public horizon does not apply), and one that is not
free comes with the nearest free time of the same therapist to accept or skip. Booking, moving
"this and the following ones" and cancelling them go through booking/rules/services.py for each
visit, inside one transaction, and the patient gets one email listing the dates with one
calendar file (notifications.notify_course), not one email per visit.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from booking.models import Appointment, Course
from booking.notifications import notify_course
from booking.rules import availability, selectors, services
from booking.rules import visits as visits_rules
from clinic.models import Clinic

MAX_VISITS = 20
MAX_EVERY_WEEKS = 8
# How far either side of a time that is not free the nearest free one is looked for.
ALTERNATIVES_WITHIN = datetime.timedelta(days=7)  # clinic dates, not elapsed time


@dataclass
class Proposal:
    """One time wanted for a course, checked: free as asked, or why not and what is nearest."""

    wanted: datetime.datetime
    problem: str = ""
    alternative: datetime.datetime | None = None
    # For a move: the visit that would go to `wanted`.
    visit: Appointment | None = None

    @property
    def free(self):
        return not self.problem


def wanted_starts(first_start, *, every_weeks, weekdays, visits, zone):
    """The starts of a course's further visits, after `first_start` (its first, which counts
    among `visits`): the same clock time on `weekdays` (Monday 0) of every `every_weeks`th week
    from the first visit's week."""
    local = first_start.astimezone(zone)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    starts, week = [], 0
    while len(starts) < visits - 1:
        for weekday in sorted(weekdays):
            day = monday + datetime.timedelta(weeks=week, days=weekday)
            if day > local.date() and len(starts) < visits - 1:
                starts.append(
                    availability.wall_clock_instant(day, local.time(), zone, boundary="start")
                )
        week += every_weeks
    return starts


def shifted_starts(visits, *, moved_from, moved_to, zone):
    """Where `visits` go when the one at `moved_from` moves to `moved_to`: as many days later
    or earlier, at the new clock time ("from the fourth on, Mondays at 9"), in clinic wall-clock
    time (9 AM stays 9 AM across a clock change)."""
    days = _local(moved_to, zone).date() - _local(moved_from, zone).date()
    clock = _local(moved_to, zone).time()
    return [
        availability.wall_clock_instant(
            _local(visit.start, zone).date() + days, clock, zone, boundary="start"
        )
        for visit in visits
    ]


def _local(instant, zone):
    return instant.astimezone(zone).replace(tzinfo=None)


def plan(*, clinic, service, therapist, wanted, moving=(), now=None):
    """A Proposal for each of `wanted` (with the visit of `moving` at the same place, for a
    move): free when staff could book it for `therapist` (the public rules, the horizon aside,
    and no other visit in its time), else the reason and the nearest free time within
    ALTERNATIVES_WITHIN days that no other time of the course takes. Visits being moved count
    as free; the course's own times never overlap one another. A fixed number of queries."""
    if not wanted:
        return []
    now = now or timezone.now()
    zone = clinic.zone
    days = [start.astimezone(zone).date() for start in wanted]
    first_day, last_day = min(days) - ALTERNATIVES_WITHIN, max(days) + ALTERNATIVES_WITHIN
    ignoring = [visit.pk for visit in moving]
    free = [
        slot.start
        for slot in availability.free_slots(
            clinic=clinic, service=service, therapists=[therapist], start_date=first_day,
            end_date=last_day, now=now, ignore_appointment_ids=ignoring, within_horizon=False,
        )
    ]  # fmt: skip
    facts = availability.RuleFacts.load(therapist, first_day, last_day, zone)
    window = [
        availability.wall_clock_instant(day, datetime.time(0), zone, boundary="start")
        for day in (first_day, last_day + datetime.timedelta(days=1))
    ]
    busy = availability.busy_spans([therapist.pk], *window, set(ignoring))[therapist.pk]
    hold = datetime.timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    taken = []

    def fits(start):
        return all(not (start < other + hold and other < start + hold) for other in taken)

    def held_by_others(start):
        opens, closes = int(start.timestamp()), int((start + hold).timestamp())
        return any(span_start < closes and span_end > opens for span_start, span_end in busy)

    proposals = []
    for index, start in enumerate(wanted):
        visit = moving[index] if index < len(moving) else None
        if start < now:
            problem = "This date has passed"
        else:
            reasons = availability.public_rule_breaks(
                clinic=clinic, service=service, therapist=therapist, start=start, now=now,
                within_horizon=False, facts=facts,
            )  # fmt: skip
            problem = (
                _sentence(reasons) if reasons
                else f"{therapist.name} has another visit then" if held_by_others(start)
                else "Another visit of this course is then" if not fits(start)
                else ""
            )  # fmt: skip
        if not problem:
            proposals.append(Proposal(start, visit=visit))
            taken.append(start)
            continue
        day = start.astimezone(zone).date()
        nearest = min(
            (s for s in free if abs((s.astimezone(zone).date() - day).days) <= 7 and fits(s)),
            key=lambda s: _nearness(s, start, zone),
            default=None,
        )
        if nearest:
            taken.append(nearest)
        proposals.append(Proposal(start, problem=problem, alternative=nearest, visit=visit))
    return proposals


def _nearness(candidate, wanted, zone):
    """The same day first, then the nearest day; within a day, the nearest clock time: someone
    who comes at 10 before work is better offered 10 the next day than 4 PM the day before."""
    candidate, wanted = _local(candidate, zone), _local(wanted, zone)
    days = abs((candidate.date() - wanted.date()).days)
    clock = abs((candidate.hour * 60 + candidate.minute) - (wanted.hour * 60 + wanted.minute))
    return days, clock, candidate


def _sentence(reasons):
    text = "; ".join(reasons)
    return text[0].upper() + text[1:]


def _check_all_free(proposals):
    taken = [proposal for proposal in proposals if not proposal.free]
    if taken:
        raise services.SlotUnavailable(
            f"{len(taken)} of the times chosen {'is' if len(taken) == 1 else 'are'} no longer "
            "free; nothing was booked or moved. Please look at the dates again."
        )


def why_no_course(visit):
    """Why a course cannot start from `visit`, or "": it must be a visit that holds its time or
    took place, and its screening must not be waiting for a therapist (its follow-ups would be
    confirmed with nothing flagged)."""
    if not (visit.is_active or visit.status in visits_rules.TOOK_PLACE):
        return (
            f"{visit.reference} is {visit.get_status_display().lower()}: a course starts from "
            "a visit that is booked or took place."
        )
    if visit.needs_review and visit.screening_review != Appointment.Review.OK:
        return (
            f"{visit.reference}'s health screening needs a therapist's review first (and any "
            "doctor's note): then book the course."
        )
    return ""


def book(*, visit, starts, every_weeks, weekdays, by, now=None):
    """Book the course that `visit` starts: a confirmed visit at each of `starts` (the times
    accepted, alternatives included), with `visit`'s patient, service and therapist. All or
    nothing, each checked again inside the transaction; one email lists every date."""
    clinic = Clinic.objects.current()
    with transaction.atomic():
        first = Appointment.objects.select_for_update().get(pk=visit.pk)
        if first.course_id:
            raise services.BookingError(f"{first.reference} is already part of a course.")
        refusal = why_no_course(first)
        if refusal:
            raise services.BookingError(refusal)
        _check_all_free(
            plan(clinic=clinic, service=first.service, therapist=first.therapist,
                 wanted=sorted(starts), now=now)
        )  # fmt: skip
        course = Course.objects.create(
            service=first.service, therapist=first.therapist, every_weeks=every_weeks,
            weekdays=",".join(str(day) for day in sorted(weekdays)),
            planned_visits=len(starts) + 1, created_by=by,
        )  # fmt: skip
        first.course = course
        first.save(update_fields=["course", "updated_at"])
        note = f"Course of {course.planned_visits} visits"
        booked = [first]
        for start in sorted(starts):
            booked.append(
                services.book_by_staff(appointment=_next_visit(first, start), by=by, note=note,
                                       tell=False)
            )  # fmt: skip
        # The visit it starts from may have taken place already (a course booked after it).
        notify_course([one for one in booked if one.is_active], "course_booked")
    return course


def _next_visit(first, start):
    return Appointment(
        service=first.service, therapist=first.therapist, patient=first.patient, start=start,
        patient_name=first.patient_name, patient_email=first.patient_email,
        patient_phone=first.patient_phone, is_new_patient=False, course=first.course,
    )  # fmt: skip


def _course_visits(visit, user):
    """The active visits of `visit`'s course that `user` may see (the selectors' rule)."""
    visits = Appointment.objects.active().filter(course_id=visit.course_id)
    return selectors.appointments_visible_to(user, visits).select_related("service", "therapist")


def following(visit, user):
    """The course's active visits after `visit` that `user` may see, in time order (none
    outside a course)."""
    if not visit.course_id:
        return []
    return list(_course_visits(visit, user).filter(start__gt=visit.start).order_by("start"))


def move_from(*, visit, therapist, start, moves, by):
    """Move `visit` to `start` with `therapist`, and each (following visit, new start) of
    `moves` with her too; a following visit left out stays where it is. All or nothing, each
    checked again; the patient gets one email listing the course's coming dates."""
    clinic = Clinic.objects.current()
    moves = sorted(moves, key=lambda move: move[0].start)
    with transaction.atomic():
        _check_all_free(
            plan(clinic=clinic, service=visit.service, therapist=therapist,
                 wanted=[start, *(new for _visit, new in moves)],
                 moving=[visit, *(moved for moved, _new in moves)])
        )  # fmt: skip
        changes = [(visit, start), *moves]
        for appointment, new_start in _in_writable_order(changes):
            services.move_appointment(
                appointment=appointment, therapist=therapist, start=new_start, by=by, tell=False
            )
        earliest = min(new_start for _appointment, new_start in changes)
        listed = _course_visits(visit, by).filter(start__gte=earliest).order_by("start")
        notify_course(list(listed), "course_moved")
    return [appointment for appointment, _ in sorted(changes, key=lambda c: c[1])]


def _in_writable_order(changes):
    """The moves in an order where each goes to a time none of the visits still to move holds
    (PostgreSQL checks its constraint row by row): a weekly course moved a week later moves its
    last visit first. Moves that would each need another's time first are refused."""
    pending, ordered = list(changes), []
    while pending:
        for index, (appointment, new_start) in enumerate(pending):
            new_end = new_start + (appointment.hold_until - appointment.start)
            if all(
                not (new_start < other.hold_until and other.start < new_end)
                for other, _ in pending
                if other is not appointment
            ):
                ordered.append(pending.pop(index))
                break
        else:
            raise services.SlotUnavailable(
                "These visits would each need another one's time first: move them one at a time."
            )
    return ordered


def cancel_from(*, visit, by, by_patient, message=""):
    """Cancel `visit` and the course's active visits after it that `by` may see; one email
    lists the dates."""
    with transaction.atomic():
        visits = [visit, *following(visit, by)]
        for appointment in visits:
            services.change_status(
                appointment=appointment, transition="cancel", by=by, by_patient=by_patient,
                message=message, tell=False,
            )  # fmt: skip
            appointment.refresh_from_db()
        notify_course(visits, "course_cancelled")
    return visits
