"""Booking's records: patients, appointments and what happened to them, the waitlist and
sign-in links. Over 300 lines because Django keeps an app's models in one module; each model
is short, and the rules about them live in booking/rules/."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.models import Service, Therapist

# Codes patients read over the phone: no 0/O or 1/I/L to confuse.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_access_token():
    return secrets.token_urlsafe(32)


class Patient(models.Model):
    """A person the clinic sees. Requests join the record with the same email (or, for a caller
    without one, the same phone); each appointment also keeps the contact details as given."""

    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Therapists besides a note's author who may read this patient's treatment notes: the
    # owner's choice, per patient (booking/rules/selectors.py reads it).
    notes_shared_with = models.ManyToManyField(
        Therapist,
        blank=True,
        related_name="+",
        verbose_name="treatment notes shared with",
        help_text="Therapists who may read this patient's treatment notes besides their authors.",
    )
    # While set, nothing of this record's treatment notes is purged (a claim, a complaint).
    legal_hold = models.BooleanField(
        default=False, help_text="Keep this patient's treatment notes whatever their retention."
    )
    # Staff notes are PatientNote rows (below): dated, with their author, added not overwritten.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, field by field, with who made it (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


# No visit holds a therapist longer than this (a service lasts at most 8 hours and its buffer
# 2, clinic/models.py): only visits starting this long before a window can reach into it, so a
# look-up reads the window's rows through the (therapist, start) index, never the years before.
LONGEST_HOLD = datetime.timedelta(days=1)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        """Appointments that hold their therapist's time."""
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)

    def overlapping(self, start, end):
        """Holding any time in [start, end): their buffer after counts. Bounded below by
        LONGEST_HOLD too: without it the index reads every earlier visit (a calendar day took
        70 ms at 40,000 appointments), with it only the window's."""
        return self.filter(start__gte=start - LONGEST_HOLD, start__lt=end, hold_until__gt=start)


class PatientNote(models.Model):
    """A dated note on a patient record, by a member of staff: added, never overwritten, so the
    record shows who wrote what when. Never shown to the patient or emailed."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "staff note"

    def __str__(self):
        return f"Note of {self.created_at:%Y-%m-%d %H:%M} UTC"


class Appointment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        ARRIVED = "arrived", "Arrived"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    # Active appointments hold their therapist's time (booking/rules/lifecycle.py has the rest).
    ACTIVE_STATUSES = (Status.REQUESTED, Status.CONFIRMED, Status.ARRIVED)

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    access_token = models.CharField(
        max_length=64, unique=True, default=new_access_token, editable=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # End of the time held: the service's buffer after, kept free for turnover.
    hold_until = models.DateTimeField(editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.REQUESTED)

    patient_name = models.CharField(max_length=120)
    # Empty for a caller booked by phone who gave none: then no email is sent.
    patient_email = models.EmailField(blank=True)
    patient_phone = models.CharField(
        max_length=20, help_text="International format, e.g. +14165550142."
    )
    is_new_patient = models.BooleanField(default=True)
    reason = models.CharField(max_length=300, blank=True)
    screening = models.JSONField(default=dict, blank=True)
    needs_review = models.BooleanField(
        "flagged", default=False, help_text="The health screening needs a therapist's judgement."
    )
    consent_at = models.DateTimeField("privacy consent given at", null=True, blank=True)
    # A keyed hash of the internet address an online request came from: enough to count and
    # group requests from one source, without keeping the address itself.
    client_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    message_to_patient = models.TextField(blank=True)
    # One visit of a course booked in one step (booking/rules/courses.py).
    course = models.ForeignKey(
        "Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )

    class Review(models.TextChoices):
        OK = "ok", "Reviewed: OK to treat"
        DOCTOR_NOTE = "doctor_note", "Needs a doctor’s note first"

    # A therapist's reading of a flagged screening, with who and when.
    screening_review = models.CharField(max_length=12, choices=Review, blank=True)
    screening_review_note = models.CharField(max_length=300, blank=True)
    screening_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screening_reviewed_at = models.DateTimeField(null=True, blank=True)

    class DoctorNote(models.TextChoices):
        TOLD = "told", "Patient told; the note is awaited"
        RECEIVED = "received", "Doctor’s note received"

    # After "Needs a doctor's note first": what the front desk has done about it. Until it is
    # received (or the visit ends), the dashboard keeps it as a task.
    doctor_note = models.CharField(max_length=10, choices=DoctorNote, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the request began waiting for staff: its creation, or the patient's last move of a
    # confirmed visit (which reopens it). The request expiry counts from here.
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()
    # Two records of what happened, on purpose, each for its own reader:
    # - AppointmentEvent (below) is the lifecycle in plain words ("Moved by the patient",
    #   "Confirmed by Jordan"), written by booking/rules/services.py for every transition; staff read
    #   it on the visit, emails read it (the time before a move), exports give it to patients.
    # - This history (django-simple-history) is every field's change with who made it, including
    #   an admin edit that is no transition (a phone number corrected): the accountability
    #   record, read by staff in "History". Both go together when details are purged.
    # Not the secret link, nor the health answers, which never change after the request and
    # would show in the history to staff who may not see them.
    history = HistoricalRecords(excluded_fields=["access_token", "reason", "screening"])

    class Meta:
        ordering = ["start"]
        permissions = [
            ("view_all_appointments", "Can see every therapist's appointments"),
            ("review_screening", "Can mark a flagged screening reviewed"),
            ("view_health_details", "Can see reasons and screening answers"),
            ("view_month_report", "Can see the month in numbers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hold_until__gte=F("end")), name="appointment_hold_covers_visit"
            ),
            # On PostgreSQL, migration 0002 adds the exclusion constraint
            # "appointment_no_overlapping_holds": no two active appointments of one therapist
            # may hold overlapping time. It is not declared here because Django would then try
            # to validate it on SQLite too, where the booking service checks inside an
            # IMMEDIATE transaction instead.
        ]
        indexes = [
            models.Index(fields=["therapist", "start"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self):
        return f"{self.reference} · {self.patient_name}"

    def patient_url(self):
        """The patient's own page, behind the secret token emailed to them.

        Deliberately not `get_absolute_url`: the admin's "view on site" redirect would then hand
        any staff account the link to any patient's page, whatever it may see.
        """
        return reverse("booking:manage", args=[self.access_token])

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES


class AppointmentEvent(models.Model):
    """Who did what to an appointment, and when."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Requested by the patient"
        BOOKED = "booked", "Booked by staff"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        RESCHEDULED = "rescheduled", "Moved"
        ARRIVED = "arrived", "Marked arrived"
        SCREENING_REVIEWED = "screening", "Screening reviewed"
        RELEASED = "released", "Released without email (looked abusive)"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "Marked no-show"
        UNDONE = "undone", "Undone"
        DOCTOR_NOTE = "doctor_note", "Doctor’s note followed up"
        CHECKOUT = "checkout", "Checkout"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty when the patient or the system acted.",
    )
    by_patient = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    # For a move: the time it had before, so the patient can be told "from … to …".
    previous_start = models.DateTimeField(null=True, blank=True)
    # For a status change: the status it had before, so a change can be undone.
    previous_status = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_display(self):
        if self.actor:
            return self.actor.get_full_name() or self.actor.get_username()
        return "Patient" if self.by_patient else "System"


class WaitlistEntry(models.Model):
    """A patient asking to be told when a time frees up (booking/waitlist.py).

    Holds an email address and what they want, nothing about their health; it ends on its last
    day, and purge_personal_data removes it with the requests that never happened.
    """

    class PartOfDay(models.TextChoices):
        ANY = "any", "Any time of day"
        MORNING = "morning", "Mornings (before noon)"
        AFTERNOON = "afternoon", "Afternoons and evenings"

    token = models.CharField(max_length=64, unique=True, default=new_access_token, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waitlist")
    therapist = models.ForeignKey(
        Therapist, null=True, blank=True, on_delete=models.CASCADE, related_name="waitlist"
    )
    is_new_patient = models.BooleanField(default=True)
    # Empty for a caller the front desk added by phone: their offers become a "call this
    # patient" task on the dashboard instead of an email.
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    part_of_day = models.CharField(max_length=10, choices=PartOfDay, default=PartOfDay.ANY)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when the address's owner follows the link emailed to it: only then are offers sent,
    # so nobody can sign a stranger up for the clinic's emails.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when the patient books one of the offered times (or leaves the list).
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(phone=""),
                name="waitlist_entry_reachable",
            )
        ]
        verbose_name = "waitlist entry"
        verbose_name_plural = "waitlist"

    def __str__(self):
        return f"{self.email or self.name or self.phone} · {self.first_day:%b %-d}–{self.last_day:%b %-d}"


class WaitlistOffer(models.Model):
    """One freed time offered to one waiting patient by email; the first to book it wins."""

    class Outcome(models.TextChoices):
        OFFERED = "offered", "Offered"
        BOOKED = "booked", "Booked by this patient"
        TAKEN = "taken", "Taken by someone else"
        DECLINED = "declined", "Declined on the phone"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.OFFERED)
    sent_at = models.DateTimeField(default=timezone.now)
    # For a caller without email: when the front desk recorded how the call went.
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "therapist", "start"], name="waitlist_offer_once"
            )
        ]

    def __str__(self):
        return f"{self.entry.email} · {self.start:%Y-%m-%d %H:%M} UTC · {self.outcome}"


class SignInRequest(models.Model):
    """An address asking for a sign-in link, kept only until the worker answers it (seconds):
    the web request stores this one row whether or not the address is a patient's, so neither
    its answer nor its timing tells anyone who is a patient here (booking/returning.py)."""

    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Sign-in request {self.pk}"


class PatientSignInLink(models.Model):
    """A one-time link emailed to a returning patient (booking/returning.py): it fills in their
    details for the next request. Kept as a hash, used once, short-lived."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Sign-in link for patient {self.patient_id} ({self.created_at:%Y-%m-%d %H:%M})"


class NoteText(models.Model):
    """What a treatment note says, in the College's order; a therapist's template says the same
    things in advance."""

    subjective = models.TextField("subjective", blank=True, help_text="What the patient reports.")
    assessment = models.TextField("objective / assessment", blank=True)
    areas = models.CharField("areas treated", max_length=300, blank=True)
    techniques = models.CharField(max_length=300, blank=True)
    pressure = models.CharField(max_length=100, blank=True)
    response = models.TextField("the patient's response", blank=True)
    plan = models.TextField(blank=True)

    class Meta:
        abstract = True


class TreatmentNote(NoteText):
    """What the treating therapist records of one visit (the College's standard: assessment,
    treatment given, response, plan; dated and attributed). A draft is the author's to change
    until it is signed or 24 hours have passed since the visit's end; after that it is locked and
    a change is an addendum. booking/rules/treatment_notes.py holds those rules; who reads a
    note is booking/rules/selectors.py's to say."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="treatment_note"
    )
    # The patient's own link, not only the visit's: a visit's details are anonymised (its
    # patient unset) long before its note may go, and the note must still name its patient.
    # PROTECT: a record with notes is never deleted while they are kept.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("view_all_treatment_notes", "Can read every treatment note")]

    def __str__(self):
        return f"Treatment note of visit {self.appointment_id}"


class TreatmentNoteAddendum(models.Model):
    """A later word on a locked note, with its own author and time; the note stays as signed."""

    note = models.ForeignKey(TreatmentNote, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "treatment note addenda"

    def __str__(self):
        return f"Addendum of {self.created_at:%Y-%m-%d %H:%M} UTC"


class TreatmentNoteRead(models.Model):
    """Who read a note, when: every read by anyone but its author."""

    note = models.ForeignKey(TreatmentNote, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"Read at {self.at:%Y-%m-%d %H:%M} UTC"


class NoteTemplate(NoteText):
    """A therapist's own wording to start a treatment note from ("Low back, first visit"): what
    she writes often, never a patient's details. Only its author sees and uses it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_templates"
    )
    name = models.CharField(max_length=80, help_text="What the template is for, e.g. “Low back”.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "name"], name="one_note_template_per_name")
        ]

    def __str__(self):
        return self.name


class Course(models.Model):
    """A course of visits booked in one step (back pain treated every two weeks, six times):
    same service and therapist, its visits linked by Appointment.course. It names nobody: the
    patient is on its visits."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="+")
    every_weeks = models.PositiveSmallIntegerField(default=1)
    # Days of the week the visits fall on, Monday 0, as "0,3"; the first visit's day by default.
    weekdays = models.CharField(max_length=20)
    planned_visits = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Course of {self.planned_visits} visits"

    def get_every_display(self):
        return every_weeks_label(self.every_weeks)


def every_weeks_label(weeks):
    return "Every week" if weeks == 1 else f"Every {weeks} weeks"


# --- Checkout: what a visit costs, what was paid, and the receipts (booking/checkout.py) ------
class MoneyLine(models.Model):
    """What a charge and a payment share: the visit (visit.charges, visit.payments), the amount
    in the clinic's currency (Clinic.currency) exact to the cent, the desk's reason, who and
    when. Added, never changed or deleted."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class Charge(MoneyLine):
    """One line of what a visit costs: its fee (the service's price, proposed), an extra, a
    discount (negative), or the policy's late-cancellation or no-show fee. Never changed or
    deleted: a correction is another line (a discount, or a negative extra), so the history
    and every receipt already issued stay true."""

    class Kind(models.TextChoices):
        FEE = "fee", "Fee"
        EXTRA = "extra", "Extra"
        DISCOUNT = "discount", "Discount"
        LATE_CANCELLATION = "late_cancel", "Late cancellation fee"
        NO_SHOW = "no_show", "No-show fee"

    kind = models.CharField(max_length=12, choices=Kind)
    description = models.CharField(max_length=200)

    class Meta(MoneyLine.Meta):
        permissions = [
            ("take_payments", "Can check visits out: charges, payments, refunds and receipts"),
            ("view_takings", "Can see the clinic's takings"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="discount", amount__lt=0) | (~Q(kind="discount") & ~Q(amount=0)),
                name="charge_discount_negative_others_not_zero",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


class Payment(MoneyLine):
    """Money taken for a visit, by how it was paid; a refund is a negative payment with its
    reason. Card payments are taken on the clinic's own terminal and recorded by amount and
    method only: no card number is ever typed or kept here. Never changed or deleted."""

    class Method(models.TextChoices):
        CARD = "card", "Card (at the terminal)"
        CASH = "cash", "Cash"
        E_TRANSFER = "e_transfer", "E-transfer"
        GIFT = "gift", "Gift card"
        INSURER = "insurer", "Insurer, billed directly"

    method = models.CharField(max_length=12, choices=Method)

    class Meta(MoneyLine.Meta):
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_not_zero"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(reason=""), name="payment_refund_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()}: {self.amount}"

    @property
    def is_refund(self):
        return self.amount < 0


class ReceiptCounter(models.Model):
    """The next receipt number: one row, locked while a receipt takes its number, so numbers
    run in one unbroken sequence (a checkout that fails gives its number back with its
    rollback) and two at once never share one."""

    next_number = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Next receipt: no. {self.next_number}"


class ReceiptQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("A receipt is never changed once issued: issue a replacement.")


class Receipt(models.Model):
    """A receipt for a paid visit, as issued: what it says is kept (`details`, and the PDF as
    sent), never changed. A correction is a new receipt naming the one it replaces."""

    number = models.PositiveIntegerField(unique=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="receipts")
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    # Who it is for, as printed (the register of personal data finds receipts by it).
    patient_name = models.CharField(max_length=200)
    # Everything printed on it (booking/receipts.py), so the year's receipts print the same.
    details = models.JSONField()
    pdf = models.BinaryField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            # One original per visit; every other receipt of it is a correction of one.
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(replaces__isnull=True),
                name="receipt_one_original_per_visit",
            ),
        ]

    def __str__(self):
        return f"Receipt no. {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A receipt is never changed once issued: issue a replacement.")
        super().save(*args, **kwargs)
