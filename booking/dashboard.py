"""What the front desk needs to do today, for the admin's front page: a fixed number of
queries, whatever the size of the calendar."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from booking import checkout, waitlist
from booking.models import Appointment
from booking.rules import selectors
from booking.rules import treatment_notes as notes
from clinic.models import Clinic
from emails.models import Email
from emails.tasks import STUCK_AFTER

# How many of each list to show; the rest is one click away in the appointment list.
LIMIT = 25
# Visits whose account is not square are listed from this far back.
OWING_LOOKS_BACK = datetime.timedelta(days=60)


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
    # The day sheet: today's visits in time order, whoever their therapist. Each carries
    # `note_link`: for the visit's own therapist, once it took place, what its note's link says
    # ("Write note", "Note (draft)", "Note (signed)"); "" for everyone else.
    today_visits: list = field(default_factory=list)
    to_review: list = field(default_factory=list)
    # "Needs a doctor's note first": visits whose patient the desk must call, until the note
    # is received or the visit is cancelled or over.
    doctor_notes: list = field(default_factory=list)
    # Waitlist offers to callers without email, to phone (booking.waitlist.calls_to_make).
    calls: list = field(default_factory=list)
    # (appointment or None, email kind, when): None for an email about no visit (a waitlist
    # offer, a sign-in link), which only staff who see every visit are shown.
    undelivered: list = field(default_factory=list)
    # Visits whose account is not square (booking/checkout.py: owing, or a refund due), oldest
    # first, each with `account`; and how many in all.
    owing: list = field(default_factory=list)
    owing_count: int = 0


def dashboard_for(user, *, now=None) -> Dashboard:
    """The dashboard as `user` may see it (selectors.appointments_visible_to)."""
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    zone = clinic.zone
    today = timezone.localdate(now, timezone=zone)
    visible = selectors.appointments_visible_to(
        user, Appointment.objects.select_related("therapist", "service")
    )
    expiry = datetime.timedelta(hours=clinic.request_expiry_hours)
    # The first LIMIT, each carrying the count of all (a window over the rows before the
    # limit): one query, and the rows read stay LIMIT however many requests wait.
    waiting = list(
        visible.filter(status=Appointment.Status.REQUESTED)
        .annotate(waiting_total=Window(Count("pk")))
        .order_by("requested_at")[:LIMIT]
    )
    board = Dashboard(today=today, waiting_count=waiting[0].waiting_total if waiting else 0)
    board.waiting = [
        Waiting(a, now - a.requested_at, min(a.requested_at + expiry, a.start)) for a in waiting
    ]

    start_of_day = datetime.datetime.combine(today, datetime.time(), tzinfo=zone)
    end_of_day = start_of_day + datetime.timedelta(days=1)
    # The statuses shown named, not those left out: an index on (status, start) then reads
    # only today's rows (a NOT IN scanned the whole history).
    hidden = {Appointment.Status.DECLINED, Appointment.Status.EXPIRED}
    shown = [status for status in Appointment.Status if status not in hidden]
    todays = visible.filter(start__gte=start_of_day, start__lt=end_of_day, status__in=shown)
    # The note's state in the same query (its text is not read): no query per visit.
    todays = todays.annotate(
        note_pk=F("treatment_note__pk"), note_signed_at=F("treatment_note__signed_at")
    )
    board.today_visits = list(todays.order_by("start", "therapist__display_order"))
    accounts = checkout.accounts_for([visit.pk for visit in board.today_visits])
    for visit in board.today_visits:
        visit.note_link = note_link(user, visit)
        visit.account = accounts.get(visit.pk, checkout.Account())
        visit.checks_out = bool(visit.account.status) or visit.status in checkout.CHECKS_OUT

    board.to_review = list(
        visible.active()
        .filter(needs_review=True, screening_review="", end__gt=now)
        .order_by("start")[:LIMIT]
    )

    board.doctor_notes = list(
        visible.active()
        .filter(screening_review=Appointment.Review.DOCTOR_NOTE, end__gt=now)
        .exclude(doctor_note=Appointment.DoctorNote.RECEIVED)
        .order_by("start")[:LIMIT]
    )
    board.owing, board.owing_count = _owing(visible, since=start_of_day - OWING_LOOKS_BACK)
    board.calls = waitlist.calls_to_make(user, now=now)
    board.undelivered = _undelivered(user, visible, now)
    return board


def _owing(visible, *, since):
    """Visits starting from `since` whose account is not square (owing, or a refund due),
    oldest first, each with its account, and how many there are in all (a window over the
    rows before the limit): one query, reading only the visits of that time."""
    visits = list(
        checkout.unsettled(visible.filter(start__gte=since))
        .annotate(unsettled_total=Window(Count("pk")))
        .order_by("start")[:LIMIT]
    )
    for visit in visits:
        visit.account = checkout.Account(checkout.cents(visit.charged), checkout.cents(visit.paid))
    return visits, (visits[0].unsettled_total if visits else 0)


def note_link(user, visit) -> str:
    """What the day sheet's link to `visit`'s note says for `user`, or "" for no link (the
    rule: treatment_notes.links_note). Reads the note's state annotated on the visit."""
    if not notes.links_note(user, visit):
        return ""
    if visit.note_pk is None:
        return "Write note"
    return "Note (signed)" if visit.note_signed_at else "Note (draft)"


def _undelivered(user, visible, now):
    """Emails that failed for good or are stuck in the queue, newest first: those about a visit
    the user may see, and (for staff who see every visit) those about no visit."""
    stuck = Q(status=Email.Status.QUEUED, created_at__lt=now - STUCK_AFTER)
    failed = Email.objects.filter(Q(status=Email.Status.FAILED) | stuck)
    failed = failed.annotate(given_up=Coalesce("finished_at", "created_at"))
    failed = [(email, *email.about_record) for email in failed.order_by("-given_up")[:LIMIT]]
    by_id = visible.in_bulk([pk for _, label, pk in failed if label == "appointment"])
    sees_all = selectors.sees_every_appointment(user)
    undelivered = []
    for email, label, pk in failed:
        if label == "appointment" and pk in by_id:
            undelivered.append((by_id[pk], email.kind, email.given_up))
        elif label != "appointment" and sees_all:
            undelivered.append((None, email.kind, email.given_up))
    return undelivered
