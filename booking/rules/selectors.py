"""Reading rules about who may book what, in one place: the request flow, the services and the
demo all ask here, so a rule cannot drift between them."""

from django.db.models import Q

from booking.models import Patient
from clinic.models import Service, Therapist


def new_patients_may_book(service: Service) -> bool:
    return service.new_patients_allowed


def why_not_bookable(service: Service, *, is_new_patient: bool) -> str:
    """ "" when this patient may book this service; otherwise the reason, fit to show them."""
    if is_new_patient and not new_patients_may_book(service):
        return (
            f"{service.name} is for returning patients. If this is your first visit, "
            "please start with an initial assessment."
        )
    return ""


def therapists_for(service: Service, *, is_new_patient: bool):
    """The active therapists who offer the service and would see this patient (a new patient
    only by those taking new patients)."""
    therapists = service.therapists.active()
    if is_new_patient:
        therapists = therapists.filter(accepting_new_patients=True)
    return therapists


def therapist_sees(therapist: Therapist, service: Service, *, is_new_patient: bool) -> bool:
    return therapists_for(service, is_new_patient=is_new_patient).filter(pk=therapist.pk).exists()


def sees_every_appointment(user):
    """The front desk and the owner: every therapist's visits, and what concerns no visit."""
    return user.has_perm("booking.view_all_appointments")


def appointments_visible_to(user, appointments):
    """What a staff account may see of `appointments`: everything with view_all_appointments
    (the front desk), a linked therapist's own, and otherwise nothing (fail closed)."""
    if sees_every_appointment(user):
        return appointments
    therapist = getattr(user, "therapist", None)
    if therapist is None:
        return appointments.none()
    return appointments.filter(therapist=therapist)


def patients_visible_to(user, patients):
    """The front desk sees every record; a therapist those she has an appointment with."""
    if sees_every_appointment(user):
        return patients
    therapist = getattr(user, "therapist", None)
    if therapist is None:
        return patients.none()
    return patients.filter(appointments__therapist=therapist).distinct()


def patient_notes_visible_to(user, notes):
    """Staff notes on patient records (the desk's and therapists' shared notes about the person:
    "hard of hearing", "prefers mornings"): read by whoever may see the record, nobody else.
    Treatment notes are not these."""
    if sees_every_appointment(user):
        return notes
    return notes.filter(patient__in=patients_visible_to(user, Patient.objects.all()))


def reads_every_treatment_note(user):
    """The owner (the Owner role holds every permission; no other role holds this one)."""
    return user.has_perm("booking.view_all_treatment_notes")


def treatment_notes_visible_to(user, notes):
    """Whose treatment notes a staff account may read, text and all: its own; another
    therapist's on a patient the owner has shared with this account's therapist profile; every
    note for the owner; nothing for anyone else (the front desk, editors: fail closed). That a
    note exists is a visit's detail, which appointments_visible_to governs."""
    if reads_every_treatment_note(user):
        return notes
    if not user.is_authenticated or not user.is_active:
        return notes.none()
    mine = Q(author=user)
    therapist = getattr(user, "therapist", None)
    if therapist is not None:
        mine |= Q(appointment__patient__notes_shared_with=therapist)
    return notes.filter(mine).distinct()


def note_templates_visible_to(user, templates):
    """A therapist's note templates are her own wording: every account, the owner included, sees
    and uses only its own (the admin's list, its pages by URL, the note page's choice)."""
    return templates.filter(author=user)
