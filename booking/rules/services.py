"""Every change to an appointment goes through these functions: they hold the rules of the
lifecycle, record who did what, and tell people once the change has committed.

One module of about 500 lines, on purpose: the promise that a therapist's time is never held
twice is kept by the functions here together (the overlap check, the retry on contention, the
limiter's count inside the same transaction), and a reader checks it in one place."""

import datetime
import functools
import random
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from booking.notifications import notify
from booking.rules import availability, lifecycle, limits, patients, selectors, visits
from booking.rules.screening import flagged
from booking.tasks import booked_after_commit, freed_after_commit
from clinic import limiter
from clinic.models import Clinic
from emails import outbox


class BookingError(Exception):
    """A change the rules do not allow; its message is fit to show the person who asked."""


class SlotUnavailable(BookingError):
    def __init__(self, message="That time was just taken. Please choose another time."):
        super().__init__(message)


class _Contended(SlotUnavailable):
    """The database aborted this write because it and another one waited on each other."""


class RequestLimitReached(BookingError):
    """An online request or move over the limits (clinic/limiter.py, booking/rules/limits.py)."""


class InvalidTransition(BookingError):
    pass


class CancellationTooLate(BookingError):
    pass


@dataclass
class PatientDetails:
    name: str
    email: str
    phone: str
    is_new_patient: bool
    reason: str = ""
    screening: dict = field(default_factory=dict)
    consented: bool = False


def _hold_times(service, start):
    # In UTC: adding minutes to a clinic-zone time would add wall-clock time across a clock change.
    start = start.astimezone(datetime.UTC)
    end = start + datetime.timedelta(minutes=service.duration_minutes)
    return end, end + datetime.timedelta(minutes=service.buffer_minutes)


def _record(appointment, action, *, actor=None, by_patient=False, note="", **more):
    AppointmentEvent.objects.create(
        appointment=appointment, action=action, actor=actor, by_patient=by_patient, note=note,
        **more,
    )  # fmt: skip


# deadlock_detected and serialization_failure. Two overlapping inserts that check the exclusion
# constraint at the same moment can each wait for the other; PostgreSQL then aborts one of them.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
ATTEMPTS = 3


def _insert(appointment):
    """Save, turning the database's refusal of an overlap (PostgreSQL) into SlotUnavailable.

    The savepoint keeps a caller's transaction usable after a refusal or an aborted wait.
    """
    try:
        with transaction.atomic():
            appointment.save()
        if appointment.is_active:
            # Waitlist offers of this time are settled once it commits (booking/waitlist.py).
            booked_after_commit(appointment)
    except IntegrityError as error:
        if "appointment_no_overlapping_holds" in str(error):
            raise SlotUnavailable() from error
        raise
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
            raise _Contended() from error
        raise


def retry_when_contended(function):
    """Run a change that holds time again when the database aborted it for waiting on another.

    The retry reads afresh, so it either books or finds the time taken; a patient sees one of
    those answers, never an error page. Inside a caller's transaction there is nothing to retry
    on its own: the contention surfaces there as SlotUnavailable.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return function(*args, **kwargs)
        for attempt in range(1, ATTEMPTS):
            try:
                return function(*args, **kwargs)
            except _Contended:
                # A little jitter, so the two that collided do not collide again.
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        # Contended a last time: it reaches the caller as SlotUnavailable, "just taken".
        return function(*args, **kwargs)

    return wrapper


def first_clash(appointment):
    """The active appointment the therapist already has in this one's time, if any.

    The overlap check every database gets; PostgreSQL's exclusion constraint backs it up.
    """
    _end, hold_until = _hold_times(appointment.service, appointment.start)
    return (
        Appointment.objects.active()
        .filter(therapist=appointment.therapist)
        .overlapping(appointment.start, hold_until)
        .exclude(pk=appointment.pk)
        .first()
    )


@retry_when_contended
def request_appointment(
    *, service, therapist, start, patient: PatientDetails, now=None, client_key=""
) -> Appointment:
    """Hold the time for this patient at once (status requested), or raise SlotUnavailable.

    `therapist` None means "any therapist who offers the service": the first one free at that
    time is chosen inside the same transaction.
    """
    refusal = selectors.why_not_bookable(service, is_new_patient=patient.is_new_patient)
    if refusal:
        raise BookingError(refusal)
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    if therapist:
        candidates = [therapist]
    else:
        candidates = list(selectors.therapists_for(service, is_new_patient=patient.is_new_patient))
    # SQLite: the IMMEDIATE transaction holds the write lock from this first read on, so no
    # other request can book in between. PostgreSQL: the exclusion constraint refuses a loser.
    with transaction.atomic():
        # Inside the transaction: on SQLite the write lock is held from here, so two requests
        # from one person cannot both pass the count.
        try:
            limiter.spend(
                "request", address=client_key, contact=patient.email or patient.phone,
                clinic=clinic, now=now,
            )  # fmt: skip
            # After the limiter's lock, and the phone's too: two requests for one person
            # cannot both pass the count (PostgreSQL; SQLite's write lock already serializes).
            limiter.lock("holds", limiter.key(patient.email), limiter.key(patient.phone))
            limits.check_holds(clinic=clinic, email=patient.email, phone=patient.phone, now=now)
        except limiter.LimitReached as error:
            raise RequestLimitReached(str(error)) from error
        day = start.astimezone(clinic.zone).date()
        slots = availability.free_slots(
            clinic=clinic,
            service=service,
            therapists=candidates,
            start_date=day,
            end_date=day,
            now=now,
        )
        free = [slot.therapist_id for slot in slots if slot.start == start]
        if not free:
            raise SlotUnavailable()
        end, hold_until = _hold_times(service, start)
        appointment = Appointment(
            service=service,
            patient=patients.find_or_create(
                name=patient.name, email=patient.email, phone=patient.phone
            ),
            therapist=next(t for t in candidates if t.pk == free[0]),
            start=start,
            end=end,
            hold_until=hold_until,
            patient_name=patient.name,
            patient_email=patient.email,
            patient_phone=patient.phone,
            is_new_patient=patient.is_new_patient,
            reason=patient.reason,
            screening={key: True for key, value in patient.screening.items() if value},
            needs_review=bool(flagged(patient.screening)),
            consent_at=now if patient.consented else None,
            client_key=client_key,
        )
        _insert(appointment)
        _record(appointment, AppointmentEvent.Action.REQUESTED, by_patient=True)
        if _confirms_at_once(clinic, appointment):
            notify(appointment, "new_request")
            return change_status(appointment=appointment, transition="confirm", now=now)
        notify(appointment, "request_received", "new_request")
    return appointment


def _confirms_at_once(clinic, appointment):
    """Instant booking, where the clinic offers it: a returning patient (a visit of theirs has
    taken place) whose screening raised nothing for a therapist to look at."""
    if not clinic.instant_booking_for_returning or appointment.is_new_patient:
        return False
    if appointment.needs_review or appointment.patient is None:
        return False
    return (
        appointment.patient.appointments.filter(status__in=visits.TOOK_PLACE)
        .exclude(pk=appointment.pk)
        .exists()
    )


@retry_when_contended
def book_by_staff(*, appointment: Appointment, by, note="", tell=True) -> Appointment:
    """Staff book a caller (confirmed at once), anywhere the therapist is not already held.
    `tell` False: the caller sends one email for several visits (a course of visits)."""
    with transaction.atomic():
        appointment.end, appointment.hold_until = _hold_times(
            appointment.service, appointment.start
        )
        if first_clash(appointment):
            raise SlotUnavailable("This therapist is already booked at that time.")
        if appointment.patient_id is None:
            appointment.patient = patients.find_or_create(
                name=appointment.patient_name,
                email=appointment.patient_email,
                phone=appointment.patient_phone,
            )
        appointment.status = Appointment.Status.CONFIRMED
        _insert(appointment)
        _record(appointment, AppointmentEvent.Action.BOOKED, actor=by, note=note)
        if tell:
            notify(appointment, "confirmed")
    return appointment


@retry_when_contended
def reschedule_appointment(*, appointment: Appointment, by, tell=True) -> Appointment:
    """Save staff's change of time, service or therapist, refusing any overlap; the patient is
    told the old and the new time (unless `tell` is False: one email for a course's visits)."""
    with transaction.atomic():
        previous_start, previous_hold, previous_therapist_id = (
            Appointment.objects.select_for_update()
            .values_list("start", "hold_until", "therapist_id")
            .get(pk=appointment.pk)
        )
        appointment.end, appointment.hold_until = _hold_times(
            appointment.service, appointment.start
        )
        if appointment.is_active and first_clash(appointment):
            raise SlotUnavailable("This therapist is already booked at that time.")
        _insert(appointment)
        AppointmentEvent.objects.create(
            appointment=appointment,
            action=AppointmentEvent.Action.RESCHEDULED,
            actor=by,
            previous_start=previous_start,
        )
        if appointment.is_active:
            if tell:
                notify(appointment, "moved")
            freed_after_commit(previous_therapist_id, previous_start, previous_hold)
    return appointment


def move_appointment(*, appointment: Appointment, therapist, start, by, tell=True) -> Appointment:
    """Move a visit to another free time, with its therapist or another who offers the service."""
    if not appointment.is_active:
        raise InvalidTransition(
            f"Appointment {appointment.reference} is "
            f"{appointment.get_status_display().lower()}; it cannot be moved."
        )
    appointment.therapist, appointment.start = therapist, start
    return reschedule_appointment(appointment=appointment, by=by, tell=tell)


class MoveTooLate(BookingError):
    pass


@retry_when_contended
def patient_move_appointment(
    *, appointment: Appointment, start, now=None, client_key=""
) -> Appointment:
    """The patient moves their visit to another free time, same service and therapist, from
    their link; only while they could still cancel online. A confirmed visit goes back to
    "requested" for staff to look at again, unless the clinic's policy keeps it confirmed.
    The patient gets the "moved" email (old and new time), the clinic's inbox a notice."""
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not patient_can_move(current, now):
            raise MoveTooLate(
                "It is too late to move this visit online. Please call the clinic to change it."
            )
        day = start.astimezone(clinic.zone).date()
        slots = availability.free_slots(
            clinic=clinic,
            service=current.service,
            therapists=[current.therapist],
            start_date=day,
            end_date=day,
            now=now,
            ignore_appointment_id=current.pk,
        )
        if start not in {slot.start for slot in slots}:
            raise SlotUnavailable()
        try:
            limiter.spend("move", address=client_key, contact=f"visit:{current.pk}", now=now)
        except limiter.LimitReached as error:
            raise RequestLimitReached(str(error)) from error
        previous_start, previous_hold = current.start, current.hold_until
        current.start = start
        current.end, current.hold_until = _hold_times(current.service, start)
        if (
            current.status == Appointment.Status.CONFIRMED
            and not clinic.patient_moves_stay_confirmed
        ):
            # Not a staff transition (lifecycle.py): the patient's change reopens the request,
            # and its expiry counts from now.
            current.status = Appointment.Status.REQUESTED
            current.requested_at = now
        _insert(current)
        AppointmentEvent.objects.create(
            appointment=current,
            action=AppointmentEvent.Action.RESCHEDULED,
            by_patient=True,
            previous_start=previous_start,
        )
        notify(current, "moved", "patient_moved")
        freed_after_commit(current.therapist_id, previous_start, previous_hold)
    return current


# A change made from the day sheet may be taken back this long after it was made.
UNDO_WINDOW = datetime.timedelta(minutes=1)
# Its emails wait in the outbox a little longer than that: an undo pressed in the window's
# last second still finds them there, whatever the worker's timing.
EMAIL_HOLD = UNDO_WINDOW + datetime.timedelta(seconds=30)


def change_status(
    *, appointment, transition, by=None, by_patient=False, message="", now=None, also_tell=(),
    undoable=False, tell=True,
) -> Appointment:  # fmt: skip
    """Apply one change of booking/rules/lifecycle.py's table, or raise InvalidTransition.

    Under a row lock, so two staff clicking at once cannot both act. It records who did it and
    the status before (for undo), and queues the table's emails (and `also_tell`) for after the
    commit; `undoable` (the day sheet) holds them in the outbox until the undo window is over;
    `tell` False leaves the patient's emails to the caller (one for a course's visits).
    """
    step = lifecycle.TRANSITIONS[transition]
    now = now or timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        refusal = step.refusal(current, now)
        if refusal:
            raise InvalidTransition(refusal)
        was_active, previous_status = current.is_active, current.status
        current.status = step.target
        if was_active and not current.is_active:
            freed_after_commit(current.therapist_id, current.start, current.hold_until)
        if message:
            current.message_to_patient = message
        current.save(update_fields=["status", "message_to_patient", "updated_at"])
        _record(
            current, step.action, actor=by, by_patient=by_patient, note=message, at=now,
            previous_status=previous_status,
        )  # fmt: skip
        emails = (*step.emails, *also_tell) if tell else also_tell
        notify(current, *emails, not_before=now + EMAIL_HOLD if undoable else None)
    appointment.refresh_from_db()
    return appointment


def undo(*, appointment, by, now=None) -> Appointment:
    """Take back the day sheet's latest change to `appointment` (confirm, arrived, completed,
    no-show) within UNDO_WINDOW, while its status is still in place: the status before comes
    back, the history says who undid it, and the change's emails, still held, never leave.
    Raises InvalidTransition (or SlotUnavailable when the freed time was booked meanwhile)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        change = current.events.order_by("-at", "-pk").first()
        refusal = _why_not_undone(current, change, now)
        if refusal:
            raise InvalidTransition(refusal)
        if not outbox.withdraw(about=f"appointment:{current.pk}", since=change.at, now=now):
            raise InvalidTransition(
                f"Appointment {current.reference}: the patient has already been emailed about "
                "this change, so it cannot be undone here."
            )
        was_active, undone_status = current.is_active, current.status
        current.status = change.previous_status
        if current.is_active and not was_active:
            # Completed or no-show held no time: holding it again must not double-book.
            if first_clash(current):
                raise SlotUnavailable(
                    f"Appointment {current.reference}: its time has been booked for someone "
                    "else since, so it cannot be undone."
                )
            _insert(current)
        else:
            current.save(update_fields=["status", "updated_at"])
        _record(
            current, AppointmentEvent.Action.UNDONE, actor=by, at=now,
            note=f"{change.get_action_display()} undone", previous_status=undone_status,
        )  # fmt: skip
    appointment.refresh_from_db()
    return appointment


def _why_not_undone(appointment, change, now):
    """Why `change` (the appointment's latest event) cannot be undone now, or ""."""
    steps = [step for step in lifecycle.TRANSITIONS.values() if step.one_click]
    step = next((s for s in steps if change and s.action == change.action), None)
    if step is None or not change.previous_status:
        return f"Appointment {appointment.reference} has no change to undo."
    if now - change.at > UNDO_WINDOW:
        return (
            f"Appointment {appointment.reference}: more than a minute has passed, so the change "
            "can no longer be undone."
        )
    if appointment.status != step.target:
        return (
            f"Appointment {appointment.reference} is "
            f"{appointment.get_status_display().lower()} now; the change cannot be undone."
        )
    return ""


def confirm_appointment(*, appointment, by, now=None):
    return change_status(appointment=appointment, transition="confirm", by=by, now=now)


def decline_appointment(*, appointment, by, message="", now=None):
    """Decline a request (its time is released), optionally with a message to the patient."""
    return change_status(
        appointment=appointment, transition="decline", by=by, message=message, now=now
    )


def patient_can_move(appointment, now=None):
    """Whether the patient may still move the visit online: until the clinic's notice before
    it, requested or confirmed alike, as their page and emails say (a move reopens a confirmed
    visit as a request, which must not make it movable again hours before)."""
    now = now or timezone.now()
    if appointment.status not in (Appointment.Status.REQUESTED, Appointment.Status.CONFIRMED):
        return False
    clinic = Clinic.objects.current()
    return now < appointment.start - datetime.timedelta(hours=clinic.cancellation_notice_hours)


def patient_can_cancel(appointment, now=None):
    """A request may be withdrawn until the visit (it frees the time, and nothing was promised
    yet); a visit the clinic confirmed only as long as it could be moved, even when a move by
    the patient has made it a request again (else moving would get round the notice)."""
    now = now or timezone.now()
    if appointment.status == Appointment.Status.REQUESTED and not _was_confirmed(appointment):
        return now < appointment.start
    return patient_can_move(appointment, now)


def _was_confirmed(appointment):
    promised = [AppointmentEvent.Action.CONFIRMED, AppointmentEvent.Action.BOOKED]
    return appointment.events.filter(action__in=promised).exists()


def cancel_appointment(*, appointment, by=None, message="", now=None, tell=True):
    """Cancel a request or a confirmed visit. Staff (`by`) may at any time; the patient (`by`
    None) only until the clinic's cancellation notice, and then the clinic's inbox is told."""
    by_patient = by is None
    if by_patient and appointment.is_active and not patient_can_cancel(appointment, now):
        raise CancellationTooLate(
            "It is too late to cancel online. Please call the clinic to cancel or change it."
        )
    return change_status(
        appointment=appointment,
        transition="cancel",
        by=by,
        by_patient=by_patient,
        message=message,
        now=now,
        also_tell=("patient_cancelled",) if by_patient else (),
        tell=tell,
    )


def mark_arrived(*, appointment, by, now=None):
    return change_status(appointment=appointment, transition="arrive", by=by, now=now)


def mark_completed(*, appointment, by, now=None):
    return change_status(appointment=appointment, transition="complete", by=by, now=now)


def mark_no_show(*, appointment, by, now=None):
    return change_status(appointment=appointment, transition="no_show", by=by, now=now)


def expire_stale_requests(*, now=None):
    """Requests staff did not answer in time expire: the time is released, the patient told.

    "In time" is the clinic's request expiry, or the visit itself if that comes first.
    """
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    cutoff = now - datetime.timedelta(hours=clinic.request_expiry_hours)
    stale = Appointment.objects.filter(status=Appointment.Status.REQUESTED).filter(
        Q(requested_at__lt=cutoff) | Q(start__lte=now)
    )
    expired = []
    for appointment in stale:
        try:
            appointment = change_status(appointment=appointment, transition="expire", now=now)
        except InvalidTransition:
            continue  # Staff answered it in the meantime.
        expired.append(appointment)
    return expired


# Reminders go out about a day ahead; a visit booked at shorter notice gets none.
REMINDER_AHEAD = datetime.timedelta(hours=24)
REMINDER_LATEST = datetime.timedelta(hours=2)


def send_due_reminders(*, now=None):
    """Queue the day-before reminder for each confirmed visit that is due one, exactly once."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Appointment.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__gt=now + REMINDER_LATEST,
        start__lte=now + REMINDER_AHEAD,
    )
    reminded = []
    for appointment in due:
        with transaction.atomic():
            # The conditional UPDATE is the claim: of two overlapping runs, the database lets
            # only the first find reminder_sent_at empty, so the reminder is sent once.
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                notify(appointment, "reminder")
                reminded.append(appointment)
    return reminded


def review_screening(*, appointment, by, outcome, note="", now=None) -> Appointment:
    """Record a therapist's reading of a flagged screening: OK to treat, or a doctor's note
    first. Kept with who and when, and in the appointment's history."""
    if not appointment.needs_review:
        raise BookingError(f"Appointment {appointment.reference} has no screening to review.")
    outcome = Appointment.Review(outcome)
    with transaction.atomic():
        appointment.screening_review = outcome
        appointment.screening_review_note = note
        appointment.screening_reviewed_by = by
        appointment.screening_reviewed_at = now or timezone.now()
        appointment.save(
            update_fields=[
                "screening_review", "screening_review_note", "screening_reviewed_by",
                "screening_reviewed_at", "updated_at",
            ]
        )  # fmt: skip
        _record(
            appointment, AppointmentEvent.Action.SCREENING_REVIEWED, actor=by, note=outcome.label
        )
    return appointment


def record_doctor_note(*, appointment, outcome, by, now=None) -> Appointment:
    """The front desk's follow-up of "Needs a doctor's note first": the patient has been told
    (the dashboard keeps the task, awaiting the note) or the note has come (the task ends).
    Kept in the history with who and when."""
    outcome = Appointment.DoctorNote(outcome)
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.screening_review != Appointment.Review.DOCTOR_NOTE:
            raise BookingError(f"Appointment {current.reference} needs no doctor’s note.")
        if not current.is_active:
            raise BookingError(
                f"Appointment {current.reference} is "
                f"{current.get_status_display().lower()}; there is nothing to follow up."
            )
        current.doctor_note = outcome
        current.save(update_fields=["doctor_note", "updated_at"])
        _record(
            current, AppointmentEvent.Action.DOCTOR_NOTE, actor=by, note=outcome.label,
            at=now or timezone.now(),
        )  # fmt: skip
    appointment.refresh_from_db()
    return appointment
