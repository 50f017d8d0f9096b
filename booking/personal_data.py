"""What booking keeps about patients, declared in the register of personal data
(clinic/personal_data.py): visits, patient records, sign-in links, the waitlist, and the
sessions that carry a booking in progress or a returning patient's sign-in."""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from booking import returning, waitlist
from booking.models import (
    Appointment,
    Charge,
    Patient,
    PatientSignInLink,
    Payment,
    Receipt,
    SignInRequest,
    TreatmentNote,
    WaitlistEntry,
)
from booking.privacy import retention
from booking.request import drafts
from booking.rules.treatment_notes import NOTE_FIELDS
from clinic.personal_data import Holding, Person, plural

SIGN_IN_LINKS_KEPT = datetime.timedelta(days=1)


def person(patient, *, visits=None):
    """The patient as the register knows them: their record, and every address and phone on it
    and on the given visits (all of theirs unless told)."""
    visits = patient.appointments.all() if visits is None else visits
    given = list(visits.values_list("pk", "patient_email", "patient_phone"))
    emails = {patient.email, *(email for _, email, _ in given)}
    emails = frozenset(email.strip().lower() for email in emails if email.strip())
    phones = {patient.phone, *(phone for *_, phone in given)}
    phones = frozenset(phone.strip() for phone in phones if _digits(phone))
    waiting = _waitlist_of(emails, phones).values_list("pk", flat=True)
    return Person(
        record=patient,
        emails=emails,
        phones=phones,
        about=frozenset(
            [f"patient:{patient.pk}"]
            + [f"appointment:{pk}" for pk, *_ in given]
            + [f"waitlist:{pk}" for pk in waiting]
        ),
    )


def _digits(phone):
    # "(555) 010-2030" and "555 010 2030" are one number.
    return "".join(character for character in phone if character.isdigit())


def _purge_visits(clinic, now):
    visits, records = retention.purge(retention.due_for_purge(clinic=clinic, now=now))
    return f"anonymise {plural(visits, 'visit')} and remove {plural(records, 'patient record')}"


def _erase_visits(person):
    if person.record is not None:
        retention.purge(person.record.appointments.all())


def _erase_record(person):
    if person.record is None:
        return
    record_id = person.record.pk
    if TreatmentNote.objects.filter(patient_id=record_id).exists():
        # Treatment notes outlive an erasure (their own holding says why); the record stays to
        # name their patient, with only the name and date of birth that do.
        retention.keep_only_what_names_notes([record_id])
        return
    Patient.objects.filter(pk=record_id).delete()
    # After the delete: simple-history records the deletion itself, with the name.
    Patient.history.filter(id=record_id).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id=str(record_id)
    ).delete()


def _purge_treatment_notes(clinic, now):
    notes, records = retention.purge_treatment_notes(
        retention.treatment_notes_due_for_purge(clinic=clinic, now=now)
    )
    return f"remove {plural(notes, 'treatment note')} and {plural(records, 'patient record')}"


def _export_treatment_notes(person):
    """Every note on the record, for the patient's own copy. Staff exporting it see only those
    the access rule lets them read (booking/privacy/patient_data.py)."""
    if person.record is None:
        return []
    notes = (
        TreatmentNote.objects.filter(patient_id=person.record.pk)
        .select_related("appointment__therapist")
        .prefetch_related("addenda")
        .order_by("appointment__start", "pk")
    )
    return [
        {
            "id": note.pk,
            "visit": timezone.localtime(note.appointment.start).isoformat(),
            "therapist": note.appointment.therapist.name,
            **{name: getattr(note, name) for name in NOTE_FIELDS},
            "written_at": note.created_at.isoformat(),
            "signed_at": note.signed_at.isoformat() if note.signed_at else None,
            "addenda": [
                {"written_at": addendum.created_at.isoformat(), "text": addendum.text}
                for addendum in note.addenda.all()
            ],
        }
        for note in notes
    ]


def _purge_sign_in_links(clinic, now):
    removed, _ = PatientSignInLink.objects.filter(created_at__lt=now - SIGN_IN_LINKS_KEPT).delete()
    return f"remove {plural(removed, 'sign-in link')}"


def _erase_sign_in_links(person):
    if person.record is not None:
        PatientSignInLink.objects.filter(patient_id=person.record.pk).delete()


def _purge_sign_in_requests(clinic, now):
    # The worker answers within seconds; only a worker that was down leaves one behind.
    removed, _ = SignInRequest.objects.filter(created_at__lt=now - SIGN_IN_LINKS_KEPT).delete()
    return f"remove {plural(removed, 'unanswered sign-in request')}"


def _erase_sign_in_requests(person):
    SignInRequest.objects.filter(email__in=person.emails).delete()


def _waitlist_of(emails, phones):
    """Entries by address, and those of callers the desk added by phone (stored, like every
    phone, in international form)."""
    by_address = Q(pk__in=[])
    for email in emails:
        by_address |= Q(email__iexact=email)
    if phones:
        by_address |= Q(phone__in=phones)
    return WaitlistEntry.objects.filter(by_address)


def _purge_waitlist(clinic, now):
    removed = retention.waitlist_due_for_removal(clinic=clinic, now=now)
    # Counted before the delete: the count it returns includes the entries' offers.
    count = removed.count()
    removed.delete()
    return f"remove {count} waitlist entry(ies)"


def _erase_waitlist(person):
    _waitlist_of(person.emails, person.phones).delete()


def _export_waitlist(person):
    entries = _waitlist_of(person.emails, person.phones).select_related("service", "therapist")
    return [
        {
            "service": entry.service.name,
            "therapist": entry.therapist.name if entry.therapist else "Any therapist",
            "first_day": entry.first_day.isoformat(),
            "last_day": entry.last_day.isoformat(),
            "part_of_day": entry.get_part_of_day_display(),
            "email": entry.email,
            "name": entry.name,
            "phone": entry.phone,
            "joined_at": entry.created_at.isoformat(),
            "offers": [
                {"start": offer.start.isoformat(), "outcome": offer.get_outcome_display()}
                for offer in entry.offers.all()
            ],
        }
        for entry in entries.prefetch_related("offers")
    ]


def _purge_sessions(clinic, now):
    """Delete expired sessions; take out of the others a booking draft or a sign-in past its
    time (a session left with nothing else goes)."""
    expired, _ = Session.objects.filter(expire_date__lt=now).delete()
    trimmed = 0
    for session in Session.objects.iterator():
        data = dict(before := session.get_decoded())
        draft = data.get(drafts.SESSION_KEY)
        if draft and not drafts.is_current(draft, now.timestamp()):
            del data[drafts.SESSION_KEY]
        signed_in = data.get(returning.SESSION_KEY)
        if signed_in and not returning.is_current(signed_in, now.timestamp()):
            del data[returning.SESSION_KEY]
        if data == before:
            continue
        trimmed += 1
        # Only as read: a visitor's request that saved the session meanwhile is not undone.
        unchanged = Session.objects.filter(pk=session.pk, session_data=session.session_data)
        if data:
            unchanged.update(session_data=Session.objects.encode(data))
        else:
            unchanged.delete()
    return (
        f"remove {plural(expired, 'expired session')} and take old details out of "
        f"{plural(trimmed, 'session')}"
    )


def _names(data, person):
    draft = (data.get(drafts.SESSION_KEY) or {}).get("fields", {})
    signed_in = data.get(returning.SESSION_KEY) or {}
    return (
        draft.get("email", "").strip().lower() in person.emails
        or _digits(draft.get("phone", "")) in {_digits(phone) for phone in person.phones}
        or (person.record is not None and signed_in.get("patient") == person.record.pk)
    )


def _erase_sessions(person):
    # Email and phone are never empty in a Person, so a draft without them names nobody.
    naming = [s.pk for s in Session.objects.iterator() if _names(s.get_decoded(), person)]
    Session.objects.filter(pk__in=naming).delete()


def _visits_of(person):
    """The visits the person is known by (Person.about names them as the outbox does)."""
    ids = [int(name.split(":")[1]) for name in person.about if name.startswith("appointment:")]
    return Appointment.objects.filter(pk__in=ids)


def _money_due_for_purge(clinic, now):
    """Visits whose money records have been kept their years (keep receipts and payments),
    counted from the end of the visit's calendar year, as a tax year is."""
    this_year = now.astimezone(clinic.zone).year
    before = datetime.datetime(this_year - clinic.receipts_kept_years, 1, 1, tzinfo=clinic.zone)
    return Appointment.objects.filter(start__lt=before)


def _purge_money(clinic, now):
    """Receipts of visits past the years they are kept are deleted (they print the patient's
    name); the charges and payments stay with the visit, their reasons (typed by staff, which
    may name someone) cleared, as money the clinic took that names nobody."""
    visits = _money_due_for_purge(clinic, now)
    receipts = Receipt.objects.filter(appointment__in=visits).order_by("-number")
    count = 0
    for receipt in receipts:  # newest first: a replacement goes before the one it replaced
        receipt.delete()
        count += 1
    Charge.objects.filter(appointment__in=visits).exclude(reason="").update(reason="")
    Payment.objects.filter(appointment__in=visits).exclude(reason="").update(reason="")
    return f"delete {plural(count, 'receipt')} and clear the reasons on their charges and payments"


def _export_money(person):
    """What the person was charged and paid, and the receipts issued to them."""
    visits = _visits_of(person)
    return {
        "charges": [
            {"visit": c.appointment.reference, "what": c.get_kind_display(),
             "description": c.description, "amount": str(c.amount), "reason": c.reason,
             "at": c.created_at.isoformat()}
            for c in Charge.objects.filter(appointment__in=visits).select_related("appointment")
        ],
        "payments": [
            {"visit": p.appointment.reference, "method": p.get_method_display(),
             "amount": str(p.amount), "reason": p.reason, "at": p.created_at.isoformat()}
            for p in Payment.objects.filter(appointment__in=visits).select_related("appointment")
        ],
        "receipts": [
            {"number": r.number, "visit": r.appointment.reference, "issued": r.issued_at.isoformat(),
             "replaced": hasattr(r, "replaced_by"), "details": r.details}
            for r in Receipt.objects.filter(appointment__in=visits).select_related("appointment")
        ],
    }  # fmt: skip


HOLDINGS = [
    Holding(
        key="visits",
        title="Visits and requests",
        kept=(
            "A visit's contact details, reason, health answers, messages and notes, with its "
            "change history and admin log entries, are removed a set time after the visit "
            "(keep visit records, 24 months by default) and sooner for a request that never "
            "happened (keep requests that never happened, 30 days by default); both are set "
            "under Clinic details. What stays (time, therapist, service, status) names nobody."
        ),
        models=("booking.Appointment", "booking.HistoricalAppointment", "booking.AppointmentEvent"),
        purge=_purge_visits,
        erase=_erase_visits,
    ),
    Holding(
        key="patients",
        title="Patient records",
        kept=(
            "A patient's record (name, email, phone, date of birth, dated staff notes) and its "
            "history are deleted when the details of their last visit are removed, or at once when "
            "staff erase it at the patient's request; a record with treatment notes keeps only "
            "its name and date of birth then, until the notes go."
        ),
        models=("booking.Patient", "booking.HistoricalPatient", "booking.PatientNote"),
        erase=_erase_record,
    ),
    Holding(
        key="treatment_notes",
        title="Treatment notes",
        kept=(
            "A therapist's note of each visit (what the patient reported, the assessment, the "
            "treatment given, the patient's response, the plan), its addenda and the log of who "
            "read it are kept for a set number of years after the patient's last visit (keep "
            "treatment notes, 10 years by default, under Clinic details; for a patient under 18 "
            "at that visit, counted from their 18th birthday), as Ontario's College of Massage "
            "Therapists requires, and then deleted. An erasure does not delete them while they "
            "are kept: the patient record stays with only the name and date of birth that name "
            "them. A legal hold on a patient record stops their deletion until it is lifted."
        ),
        models=(
            "booking.TreatmentNote",
            "booking.TreatmentNoteAddendum",
            "booking.TreatmentNoteRead",
        ),
        purge=_purge_treatment_notes,
        export=_export_treatment_notes,
    ),
    Holding(
        key="money",
        title="Charges, payments and receipts",
        kept=(
            "What each visit was charged and paid (amounts, how it was paid, the desk's reasons) "
            "and the receipts issued for it, which print the patient's name, are the clinic's "
            "financial records: kept a set number of years after the end of the visit's year "
            "(keep receipts and payments, 7 by default and never under 6, under Clinic "
            "details), as Canada's tax agency asks. "
            "Then the receipts are deleted and the charges and payments stay with the visit's "
            "record, their reasons cleared, naming nobody. An erasure does not remove them "
            "while they are kept; a patient's export lists them."
        ),
        models=("booking.Charge", "booking.Payment", "booking.Receipt"),
        purge=_purge_money,
        export=_export_money,
    ),
    Holding(
        key="note_templates",
        title="Therapists' note templates",
        kept=(
            "A therapist's templates for starting a treatment note hold her own wording, never a "
            "patient's details; they are kept until she deletes them or her account is removed."
        ),
        models=("booking.NoteTemplate",),
    ),
    Holding(
        key="sign_in_links",
        title="Sign-in links",
        kept=(
            "A returning patient's emailed sign-in link is kept only as a hash, works once for "
            f"{int(returning.VALID_FOR.total_seconds() // 60)} minutes, and is deleted "
            f"{plural(SIGN_IN_LINKS_KEPT.days, 'day')} after it was sent."
        ),
        models=("booking.PatientSignInLink",),
        purge=_purge_sign_in_links,
        erase=_erase_sign_in_links,
    ),
    Holding(
        key="sign_in_requests",
        title="Requests for a sign-in link",
        kept=(
            "An address asking for a sign-in link is kept only until the background worker "
            "has answered it, usually seconds, and deleted after "
            f"{plural(SIGN_IN_LINKS_KEPT.days, 'day')} if the worker was down."
        ),
        models=("booking.SignInRequest",),
        purge=_purge_sign_in_requests,
        erase=_erase_sign_in_requests,
    ),
    Holding(
        key="waitlist",
        title="Waitlist",
        kept=(
            "A waitlist entry (an email address, or the name and phone of a caller the desk "
            "added, and the times wanted) and the offers made to it are deleted after keep requests that never happened (30 days by default) once its "
            "last day has passed or it was closed; an address nobody confirmed from its email "
            f"goes after {plural(waitlist.UNCONFIRMED_KEPT.days, 'day')}."
        ),
        models=("booking.WaitlistEntry", "booking.WaitlistOffer"),
        purge=_purge_waitlist,
        erase=_erase_waitlist,
        export=_export_waitlist,
    ),
    Holding(
        key="sessions",
        title="Sessions",
        kept=(
            "A session (a staff sign-in, or a booking in progress with what the patient typed) "
            f"is deleted {settings.SESSION_COOKIE_AGE // 3600} hours after it was last used; "
            "what a patient typed is taken out of it "
            f"{drafts.KEPT_FOR_SECONDS // 3600} hours after they typed it, and a returning "
            f"patient's sign-in {int(returning.SIGNED_IN_FOR.total_seconds() // 3600)} hours "
            "after they signed in."
        ),
        models=("sessions.Session",),
        purge=_purge_sessions,
        erase=_erase_sessions,
    ),
]
