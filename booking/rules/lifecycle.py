"""The appointment lifecycle, written once: which change may happen from which status, at what
point in time, what it records and who is told. The services enforce it; the admin's buttons
and messages read it.

    requested ──► confirmed ──► arrived ──► completed
        │              ├──────► no_show
        │              └──────► cancelled (by patient, within policy; or by clinic)
        ├──► declined
        ├──► cancelled (by patient)
        └──► expired   (staff did not act in time; the slot is released, the patient is told)
"""

import datetime
import enum
from dataclasses import dataclass

from booking.models import Appointment, AppointmentEvent
from clinic.models import Clinic

Status = Appointment.Status
Action = AppointmentEvent.Action


def arrival_opens(appointment):
    """From when the front desk may mark a patient arrived: the start of the visit's day in
    clinic time. The day sheet is the desk's list of the day, and a patient who turns up early
    (or whom the desk checks in before a rush) is not made to wait for a clock."""
    zone = Clinic.objects.current().zone
    day = appointment.start.astimezone(zone).date()
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)


class When(enum.Enum):
    ANY_TIME = "any time"
    BEFORE_START = "before the visit starts"
    ON_THE_DAY = "on the day of the visit"
    AFTER_START = "once the visit has started"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the staff button
    sources: frozenset
    target: str
    action: str  # what the history records
    when: When = When.ANY_TIME
    emails: tuple = ()  # what the patient (and clinic) are sent, see notifications.EMAILS
    takes_message: bool = False  # staff may add a note for the patient
    staff_button: bool = True

    def refusal(self, appointment, now):
        """Why this change may not happen to `appointment` now, or "" if it may."""
        verb = self.action_text.lower()
        if appointment.status not in self.sources:
            return (
                f"Appointment {appointment.reference} is "
                f"{appointment.get_status_display().lower()}; it cannot be {verb}."
            )
        started = now >= appointment.start
        if self.when is When.BEFORE_START and started:
            return f"Appointment {appointment.reference} has started; it cannot be {verb}."
        if self.when is When.AFTER_START and not started:
            return f"Appointment {appointment.reference} has not started yet; it cannot be {verb}."
        if self.when is When.ON_THE_DAY and now < arrival_opens(appointment):
            return (
                f"Appointment {appointment.reference} is on a later day; it cannot be {verb} yet."
            )
        return ""

    @property
    def action_text(self):
        return Action(self.action).label

    @property
    def tells_patient(self):
        return bool(self.emails)

    @property
    def one_click(self):
        """A change the day sheet makes in one click (with a minute to undo): the staff
        buttons that ask nothing first (decline and cancel take a message)."""
        return self.staff_button and not self.takes_message


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "confirm", "Confirm", frozenset({Status.REQUESTED}), Status.CONFIRMED,
            Action.CONFIRMED, When.BEFORE_START, emails=("confirmed",),
        ),
        Transition(
            "decline", "Decline", frozenset({Status.REQUESTED}), Status.DECLINED,
            Action.DECLINED, emails=("declined",), takes_message=True,
        ),
        Transition(
            "cancel", "Cancel", frozenset({Status.REQUESTED, Status.CONFIRMED}), Status.CANCELLED,
            Action.CANCELLED, emails=("cancelled",), takes_message=True,
        ),
        Transition(
            "arrive", "Mark arrived", frozenset({Status.CONFIRMED}), Status.ARRIVED,
            Action.ARRIVED, When.ON_THE_DAY,
        ),
        Transition(
            "complete", "Mark completed", frozenset({Status.CONFIRMED, Status.ARRIVED}),
            Status.COMPLETED, Action.COMPLETED, When.AFTER_START,
        ),
        Transition(
            "no_show", "Mark no-show", frozenset({Status.CONFIRMED}), Status.NO_SHOW,
            Action.NO_SHOW, When.AFTER_START,
        ),
        # Holds that look abusive (a flood from one source): freed without an email to an
        # address nobody has shown is real.
        Transition(
            "release", "Release", frozenset({Status.REQUESTED}), Status.CANCELLED,
            Action.RELEASED, staff_button=False,
        ),
        Transition(
            "expire", "Expire", frozenset({Status.REQUESTED}), Status.EXPIRED, Action.EXPIRED,
            emails=("expired",), staff_button=False,
        ),
    )
}  # fmt: skip


def staff_transitions(appointment, now):
    """The buttons worth showing staff now: exactly the changes the services would accept."""
    return [
        transition
        for transition in TRANSITIONS.values()
        if transition.staff_button and not transition.refusal(appointment, now)
    ]


def day_sheet_transitions(appointment, now):
    """The day sheet's one-click buttons for `appointment` now (confirm, arrived, completed,
    no-show, as the table allows)."""
    return [step for step in staff_transitions(appointment, now) if step.one_click]
