"""What the front desk needs to do today, for the admin's front page: a fixed number of
queries, whatever the size of the calendar."""

import datetime
from dataclasses import dataclass, field

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booking import selectors
from booking.models import Appointment
from clinic.models import Clinic

# How many of each list to show; the rest is one click away in the appointment list.
LIMIT = 25


@dataclass
class Waiting:
    appointment: Appointment
    waited: datetime.timedelta
    expires_at: datetime.datetime


@dataclass
class Dashboard:
    today: datetime.date
    waiting: list = field(default_factory=list)
    waiting_count: int = 0
    today_by_therapist: list = field(default_factory=list)  # (therapist, [appointments])
    to_review: list = field(default_factory=list)
    undelivered: list = field(default_factory=list)  # (appointment, email kind, when)


def build(user, *, now=None) -> Dashboard:
    """The dashboard as `user` may see it (selectors.appointments_visible_to)."""
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    zone = clinic.zone
    today = timezone.localdate(now, timezone=zone)
    visible = selectors.appointments_visible_to(
        user, Appointment.objects.select_related("therapist", "service")
    )
    expiry = datetime.timedelta(hours=clinic.request_expiry_hours)
    waiting = list(visible.filter(status=Appointment.Status.REQUESTED).order_by("requested_at"))
    board = Dashboard(today=today, waiting_count=len(waiting))
    board.waiting = [
        Waiting(a, now - a.requested_at, min(a.requested_at + expiry, a.start))
        for a in waiting[:LIMIT]
    ]

    start_of_day = datetime.datetime.combine(today, datetime.time(), tzinfo=zone)
    end_of_day = start_of_day + datetime.timedelta(days=1)
    todays = visible.filter(start__gte=start_of_day, start__lt=end_of_day).exclude(
        status__in=[Appointment.Status.DECLINED, Appointment.Status.EXPIRED]
    )
    by_therapist = {}
    for appointment in todays.order_by("therapist__display_order", "therapist__name", "start"):
        by_therapist.setdefault(appointment.therapist, []).append(appointment)
    board.today_by_therapist = list(by_therapist.items())

    board.to_review = list(
        visible.active()
        .filter(needs_review=True, screening_review="", end__gt=now)
        .order_by("start")[:LIMIT]
    )

    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, task_path="booking.tasks.send_notification"
    ).order_by("-finished_at")[:LIMIT]
    failed = [(task, task.args_kwargs["kwargs"]) for task in failed]
    by_id = visible.in_bulk([kwargs["appointment_id"] for _, kwargs in failed])
    board.undelivered = [
        (by_id[kwargs["appointment_id"]], kwargs["kind"], task.finished_at)
        for task, kwargs in failed
        if kwargs["appointment_id"] in by_id
    ]
    return board
