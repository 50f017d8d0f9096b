"""What the patient record page shows beside the record's fields, as the staff member may see
it: visits coming and past, what they add up to, dated notes and the emails the clinic sent.
A fixed number of queries, whatever the size of the record."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from booking import notifications
from booking.models import Appointment, Patient
from booking.rules import patients, selectors
from booking.rules.visits import TOOK_PLACE
from clinic.models import Clinic
from emails.models import Email

# Enough for any record the desk reads; an older email is in the export.
EMAILS_SHOWN = 50


@dataclass
class PatientRecord:
    upcoming: list = field(default_factory=list)
    past: list = field(default_factory=list)
    no_shows: int = 0
    late_cancellations: int = 0
    notes: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    book_again_url: str = ""
    book_again: Appointment | None = None
    notice_hours: int = 0
    courses: list = field(default_factory=list)


def book_again_url(visit):
    """The add form, for this patient with the visit's service and therapist."""
    query = urlencode(
        {"patient": visit.patient_id, "therapist": visit.therapist_id, "service": visit.service_id}
    )
    return f"{reverse('admin:booking_appointment_add')}?{query}"


def record_for(user, patient: Patient, *, now=None) -> PatientRecord:
    """The record page's lists, read through the selectors: a therapist sees her own visits
    with the patient and the emails about them, never another's."""
    now = now or timezone.now()
    visits = selectors.appointments_visible_to(user, Appointment.objects.filter(patient=patient))
    loaded = list(
        visits.select_related("therapist", "service", "course__therapist").order_by("start")
    )
    notice_hours = Clinic.objects.current().cancellation_notice_hours
    record = PatientRecord(
        upcoming=[visit for visit in loaded if visit.start >= now],
        past=[visit for visit in reversed(loaded) if visit.start < now],
        no_shows=sum(visit.status == Appointment.Status.NO_SHOW for visit in loaded),
        late_cancellations=patients.late_cancellation_count(visits, notice_hours=notice_hours),
        notice_hours=notice_hours,
        notes=list(
            selectors.patient_notes_visible_to(user, patient.notes.select_related("author"))
        ),
    )
    if loaded:
        record.book_again = loaded[-1] if not record.past else record.past[0]
        record.book_again_url = book_again_url(record.book_again)
    record.emails = _emails(user, patient, loaded)
    record.courses = _courses(loaded, now)
    return record


@dataclass
class CourseSummary:
    """A course of visits as the record shows it: one line, its dates beneath."""

    course: object
    visits: list
    took_place: int
    coming: int
    called_off: int


def _courses(visits, now):
    """The patient's courses, from the visits already read (no query of their own)."""
    by_course = {}
    for visit in visits:
        if visit.course_id:
            by_course.setdefault(visit.course_id, []).append(visit)
    return [
        CourseSummary(
            course=members[0].course,
            visits=members,
            took_place=sum(visit.status in TOOK_PLACE for visit in members),
            coming=sum(visit.is_active and visit.start >= now for visit in members),
            called_off=sum(
                not visit.is_active and visit.status not in TOOK_PLACE for visit in members
            ),
        )
        for members in by_course.values()
    ]


def _emails(user, patient, visits):
    """(email, the visit it was about or None) for the emails sent to the patient: about their
    visits the user may see, and (for staff who see every visit) about their record (a sign-in
    link); not the clinic's own copies ("new request")."""
    by_about = {f"appointment:{visit.pk}": visit for visit in visits}
    about = Q(about__in=by_about)
    if selectors.sees_every_appointment(user):
        about |= Q(about=f"patient:{patient.pk}")
    to_clinic = [kind for kind, spec in notifications.EMAILS.items() if spec["to"] == "clinic"]
    emails = Email.objects.filter(about).exclude(kind__in=to_clinic)
    return [
        (email, by_about.get(email.about))
        for email in emails.order_by("-created_at", "-pk")[:EMAILS_SHOWN]
    ]
