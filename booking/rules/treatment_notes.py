"""Treatment notes: a draft the treating therapist writes, signs and then only adds to.

The rules, kept here and nowhere else:
- the therapist of the visit writes its note; once written, only the note's author changes it;
- a draft changes until it is signed or 24 hours have passed since the visit's end (the College
  of Massage Therapists of Ontario: records are never silently changed); after that it is
  locked, and a change is an addendum with its own author and time;
- an addendum is added by whoever may read the note (its author, a therapist the owner shared
  the patient with, the owner), never by the front desk;
- every read by anyone but the note's author is recorded (`read_note`). Who may read at all is
  booking/rules/selectors.py's `treatment_notes_visible_to`;
- a therapist's note templates are hers alone (`templates_of`): starting a note from one fills
  only what she has not written yet (`start_from`).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from booking.models import (
    Appointment,
    NoteTemplate,
    TreatmentNote,
    TreatmentNoteAddendum,
    TreatmentNoteRead,
)
from booking.rules import visits
from booking.rules.selectors import note_templates_visible_to, treatment_notes_visible_to
from clinic.models import Clinic

EDIT_WINDOW = datetime.timedelta(hours=24)
# A note records a treatment given: not a request, a no-show or a cancelled visit.
TOOK_PLACE = visits.TOOK_PLACE

# The fields of a note a therapist writes, in the order of the page.
NOTE_FIELDS = ("subjective", "assessment", "areas", "techniques", "pressure", "response", "plan")


class NoteRefused(Exception):
    """The change or read is not allowed; the message is fit to show staff."""


def locks_at(appointment: Appointment) -> datetime.datetime:
    """When a draft of this visit's note stops being changeable, signed or not."""
    return appointment.end + EDIT_WINDOW


def is_locked(note: TreatmentNote, now=None) -> bool:
    now = now or timezone.now()
    return note.signed_at is not None or now >= locks_at(note.appointment)


def writes_notes_for(user, appointment: Appointment) -> bool:
    """The therapist of the visit, through the profile linked to her account."""
    therapist = getattr(user, "therapist", None)
    return therapist is not None and therapist.pk == appointment.therapist_id


def links_note(user, appointment: Appointment) -> bool:
    """Whether `user`'s calendar and day list take her from this visit to its note: she is its
    therapist and it took place. Reads `user.therapist` once per request (Django caches it)."""
    return appointment.status in TOOK_PLACE and writes_notes_for(user, appointment)


def may_read(user, note: TreatmentNote) -> bool:
    return treatment_notes_visible_to(user, TreatmentNote.objects.filter(pk=note.pk)).exists()


def _texts(fields):
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a treatment note: {sorted(unknown)}")
    return {name: (fields.get(name) or "").strip() for name in NOTE_FIELDS}


def templates_of(user):
    """`user`'s own note templates (booking/rules/selectors.py's rule)."""
    return note_templates_visible_to(user, NoteTemplate.objects.all())


def start_from(*, template: NoteTemplate, fields: dict) -> dict:
    """The note's fields with those still empty filled from `template`: what the therapist has
    already written is never replaced. Nothing is saved; she saves the draft as usual."""
    return {name: value or getattr(template, name) for name, value in _texts(fields).items()}


@transaction.atomic
def save_draft(*, appointment: Appointment, author, fields: dict, now=None) -> TreatmentNote:
    """Write or change the draft note of `appointment`, or raise NoteRefused."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    note = TreatmentNote.objects.filter(appointment=appointment).first()
    if note is None:
        if not writes_notes_for(author, appointment):
            raise NoteRefused("Only the visit's therapist writes its treatment note.")
        if appointment.patient_id is None:
            raise NoteRefused("This visit has no patient record to keep a note on.")
        note = TreatmentNote(
            appointment=appointment,
            patient_id=appointment.patient_id,
            author=author,
            created_at=now,
        )
    elif note.author_id != author.pk:
        raise NoteRefused("Only the note's author changes it; add an addendum instead.")
    if appointment.start > now or appointment.status not in TOOK_PLACE:
        raise NoteRefused("A treatment note is written for a visit that took place.")
    if is_locked(note, now):
        raise NoteRefused(
            "This note is locked (signed, or 24 hours after the visit): add an addendum instead."
        )
    for name, value in _texts(fields).items():
        setattr(note, name, value)
    note.updated_at = now
    note.save()
    return note


@transaction.atomic
def sign(*, note: TreatmentNote, by, now=None) -> TreatmentNote:
    """Sign `note`: from now on it never changes. Only its author signs, once."""
    now = now or timezone.now()
    note = TreatmentNote.objects.select_for_update().select_related("appointment").get(pk=note.pk)
    if note.author_id != by.pk:
        raise NoteRefused("Only the note's author signs it.")
    if note.signed_at is not None:
        raise NoteRefused("This note is already signed.")
    if not any(getattr(note, name) for name in NOTE_FIELDS):
        raise NoteRefused("An empty note cannot be signed.")
    note.signed_at = now
    note.save(update_fields=["signed_at"])
    return note


@transaction.atomic
def add_addendum(*, note: TreatmentNote, author, text: str, now=None) -> TreatmentNoteAddendum:
    """Add to a locked note (signed, or 24 hours after the visit); a draft is changed instead."""
    now = now or timezone.now()
    text = (text or "").strip()
    note = TreatmentNote.objects.select_related("appointment").get(pk=note.pk)
    if not may_read(author, note):
        raise NoteRefused("Only someone who may read this note adds to it.")
    if not is_locked(note, now):
        raise NoteRefused("This note is still a draft: change it, or sign it first.")
    if not text:
        raise NoteRefused("Write the addendum first.")
    return TreatmentNoteAddendum.objects.create(note=note, author=author, text=text, created_at=now)


def read_note(*, note: TreatmentNote, reader, now=None) -> TreatmentNote:
    """`note` for `reader` to read, the read recorded unless `reader` wrote it; or NoteRefused."""
    if not may_read(reader, note):
        raise NoteRefused("You may not read this treatment note.")
    if note.author_id != reader.pk:
        TreatmentNoteRead.objects.create(note=note, reader=reader, at=now or timezone.now())
    return note


def author_name(user):
    therapist = getattr(user, "therapist", None)
    return therapist.name if therapist is not None else (user.get_full_name() or user.username)


def summary(note):
    """What anyone who may see the visit reads of its note: that it exists, by whom, signed or
    not; never its text."""
    if note is None:
        return "No treatment note yet."
    if note.signed_at is not None:
        signed = timezone.localtime(note.signed_at, Clinic.objects.current().zone)
        return f"Treatment note: signed by {author_name(note.author)}, {signed:%b} {signed.day}"
    return f"Treatment note: draft by {author_name(note.author)}, not signed yet"
