"""Treatment notes (booking/rules/treatment_notes.py): drafts, signing, locking, addenda, the
read log, and who reads what (booking/rules/selectors.py)."""

import datetime
import json

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import EDITORS, FRONT_DESK, OWNER, THERAPISTS
from booking.models import Appointment, Patient, PatientNote, TreatmentNote, TreatmentNoteRead
from booking.privacy import patient_data
from booking.rules import patients as patient_rules
from booking.rules import services
from booking.rules import treatment_notes as notes
from booking.rules.selectors import treatment_notes_visible_to
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
TEXT = {
    "subjective": "Low back ache 6/10, worse sitting",
    "assessment": "Hypertonic left QL",
    "areas": "Lumbar, left hip",
    "techniques": "Myofascial release",
    "pressure": "Moderate",
    "response": "Ache 3/10 after",
    "plan": "Review in two weeks",
}


def account(role, username, therapist=None):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    if therapist is not None:
        therapist.user = user
        therapist.save()
    return user


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient):
    """A visit that happened (set so here: the lifecycle is not what these tests are about)."""
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    Appointment.objects.filter(pk=visit.pk).update(status=Appointment.Status.COMPLETED)
    visit.refresh_from_db()
    return visit


@pytest.fixture
def dana_user(dana):
    return account(THERAPISTS, "dana", dana)


@pytest.fixture
def marcus_user(marcus):
    return account(THERAPISTS, "marcus", marcus)


def after_visit(visit, hours=1):
    return time_machine.travel(visit.end + hours * HOUR, tick=False)


def draft(visit, author, **changes):
    with after_visit(visit):
        return notes.save_draft(appointment=visit, author=author, fields={**TEXT, **changes})


# Writing, signing, locking


def test_the_visits_therapist_writes_a_draft_and_changes_it(visit, dana_user):
    note = draft(visit, dana_user)
    assert (note.author, note.plan, note.signed_at) == (dana_user, "Review in two weeks", None)
    note = draft(visit, dana_user, plan="Review in one week")
    assert TreatmentNote.objects.get().plan == "Review in one week"


def test_another_therapist_cannot_write_the_visits_note(visit, marcus_user):
    with pytest.raises(notes.NoteRefused, match="visit's therapist"):
        draft(visit, marcus_user)
    assert not TreatmentNote.objects.exists()


def test_the_front_desk_cannot_write_a_note(visit):
    with pytest.raises(notes.NoteRefused):
        draft(visit, account(FRONT_DESK, "desk"))


def test_a_note_waits_for_the_visit_to_begin(visit, dana_user):
    with time_machine.travel(visit.start - HOUR, tick=False), pytest.raises(notes.NoteRefused):
        notes.save_draft(appointment=visit, author=dana_user, fields=TEXT)


@pytest.mark.parametrize("status", ["confirmed", "no_show", "cancelled"])
def test_a_note_is_for_a_visit_that_took_place(visit, dana_user, status):
    Appointment.objects.filter(pk=visit.pk).update(status=status)
    visit.refresh_from_db()
    with pytest.raises(notes.NoteRefused, match="took place"):
        draft(visit, dana_user)


def test_only_the_author_changes_a_draft_even_if_the_visit_moves_to_another_therapist(
    visit, dana_user, marcus, marcus_user
):
    draft(visit, dana_user)
    visit.therapist = marcus
    visit.save()
    with pytest.raises(notes.NoteRefused, match="author"):
        draft(visit, marcus_user, plan="Changed by Marcus")
    assert TreatmentNote.objects.get().plan == "Review in two weeks"


def test_a_signed_note_is_locked(visit, dana_user):
    note = draft(visit, dana_user)
    with after_visit(visit):
        notes.sign(note=note, by=dana_user)
        with pytest.raises(notes.NoteRefused, match="locked"):
            notes.save_draft(appointment=visit, author=dana_user, fields={**TEXT, "plan": "x"})
        with pytest.raises(notes.NoteRefused, match="already signed"):
            notes.sign(note=note, by=dana_user)
    assert TreatmentNote.objects.get().plan == "Review in two weeks"


def test_only_the_author_signs(visit, dana_user):
    note = draft(visit, dana_user)
    owner = account(OWNER, "owner")
    with pytest.raises(notes.NoteRefused):
        notes.sign(note=note, by=owner)
    assert TreatmentNote.objects.get().signed_at is None


def test_an_empty_note_cannot_be_signed(visit, dana_user):
    note = draft(visit, dana_user, **dict.fromkeys(TEXT, "  "))
    with pytest.raises(notes.NoteRefused, match="empty"):
        notes.sign(note=note, by=dana_user)


def test_a_draft_locks_24_hours_after_the_visits_end(visit, dana_user):
    note = draft(visit, dana_user)
    with time_machine.travel(visit.end + 24 * HOUR - datetime.timedelta(seconds=1), tick=False):
        notes.save_draft(appointment=visit, author=dana_user, fields={**TEXT, "plan": "Last"})
    with time_machine.travel(visit.end + 24 * HOUR, tick=False):
        assert notes.is_locked(note)
        with pytest.raises(notes.NoteRefused, match="locked"):
            notes.save_draft(appointment=visit, author=dana_user, fields={**TEXT, "plan": "Late"})
    assert TreatmentNote.objects.get().plan == "Last"


# Addenda


def test_an_addendum_goes_on_a_locked_note_with_its_own_author_and_time(visit, dana_user):
    note = draft(visit, dana_user)
    with after_visit(visit):
        with pytest.raises(notes.NoteRefused, match="draft"):
            notes.add_addendum(note=note, author=dana_user, text="Too early")
        notes.sign(note=note, by=dana_user)
    with after_visit(visit, hours=30):
        addendum = notes.add_addendum(note=note, author=dana_user, text="Called: ache gone")
    assert (addendum.author, addendum.created_at) == (dana_user, visit.end + 30 * HOUR)
    assert TreatmentNote.objects.get().plan == "Review in two weeks"  # the note stays as signed
    assert [a.text for a in note.addenda.all()] == ["Called: ache gone"]


def test_an_unsigned_note_takes_addenda_after_24_hours(visit, dana_user):
    note = draft(visit, dana_user)
    with after_visit(visit, hours=25):
        notes.add_addendum(note=note, author=dana_user, text="Late word")
    assert note.addenda.count() == 1


def test_addenda_by_the_owner_and_a_shared_therapist_not_by_others(
    visit, dana_user, marcus, marcus_user
):
    note = draft(visit, dana_user)
    with after_visit(visit, hours=25):
        for outsider in (marcus_user, account(FRONT_DESK, "desk")):
            with pytest.raises(notes.NoteRefused):
                notes.add_addendum(note=note, author=outsider, text="Not mine to add")
        notes.add_addendum(note=note, author=account(OWNER, "owner"), text="Owner's word")
        visit.patient.notes_shared_with.add(marcus)
        notes.add_addendum(note=note, author=marcus_user, text="Marcus's word")
    assert note.addenda.count() == 2


# Reading and the read log


def test_every_read_but_the_authors_is_recorded(visit, dana_user):
    note = draft(visit, dana_user)
    owner = account(OWNER, "owner")
    notes.read_note(note=note, reader=dana_user)
    assert not TreatmentNoteRead.objects.exists()
    with time_machine.travel(visit.end + 2 * HOUR, tick=False):
        notes.read_note(note=note, reader=owner)
    read = TreatmentNoteRead.objects.get()
    assert (read.note, read.reader, read.at) == (note, owner, visit.end + 2 * HOUR)


def test_a_refused_read_is_refused_and_not_recorded(visit, dana_user, marcus_user):
    note = draft(visit, dana_user)
    with pytest.raises(notes.NoteRefused):
        notes.read_note(note=note, reader=marcus_user)
    assert not TreatmentNoteRead.objects.exists()


def readers(visit, dana_user, marcus_user):
    note = draft(visit, dana_user)
    return note, {
        "author": dana_user,
        "other therapist": marcus_user,
        "owner": account(OWNER, "owner"),
        "front desk": account(FRONT_DESK, "desk"),
        "editor": account(EDITORS, "editor"),
    }


def test_who_reads_a_note(visit, dana_user, marcus_user):
    note, who = readers(visit, dana_user, marcus_user)
    visible = {
        name: treatment_notes_visible_to(user, TreatmentNote.objects.all()).contains(note)
        for name, user in who.items()
    }
    assert visible == {
        "author": True,
        "other therapist": False,
        "owner": True,
        "front desk": False,
        "editor": False,
    }


def test_the_owner_shares_a_patients_notes_with_another_therapist(
    visit, dana_user, marcus, marcus_user
):
    note = draft(visit, dana_user)
    visit.patient.notes_shared_with.add(marcus)
    assert list(treatment_notes_visible_to(marcus_user, TreatmentNote.objects.all())) == [note]
    notes.read_note(note=note, reader=marcus_user)
    assert TreatmentNoteRead.objects.get().reader == marcus_user


def test_sharing_one_patient_shares_no_other_patients_notes(
    visit, dana, dana_user, marcus, marcus_user, massage, monday, booking_clinic, patient
):
    shared = draft(visit, dana_user)
    patient.name, patient.email, patient.phone = "Other Person", "other@example.com", "+14165550177"
    other_visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "13:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    assert other_visit.patient_id != visit.patient_id
    Appointment.objects.filter(pk=other_visit.pk).update(status=Appointment.Status.COMPLETED)
    other_visit.refresh_from_db()
    not_shared = draft(other_visit, dana_user)
    visit.patient.notes_shared_with.add(marcus)
    visible = treatment_notes_visible_to(marcus_user, TreatmentNote.objects.all())
    assert (visible.contains(shared), visible.contains(not_shared)) == (True, False)


def test_only_the_owner_role_holds_the_permission_to_read_every_note():
    permission = Permission.objects.get(codename="view_all_treatment_notes")
    assert sorted(group.name for group in permission.group_set.all()) == [OWNER]


# The register of personal data (booking/personal_data.py)


def purge_at(moment):
    from clinic import personal_data
    from clinic.models import Clinic

    with time_machine.travel(moment, tick=False):
        purged = personal_data.purge(Clinic.objects.current(), moment)
    return {holding.key: said for holding, said in purged}


def test_notes_outlive_the_visits_details_and_go_after_ten_years(visit, dana_user):
    note = draft(visit, dana_user)
    PatientNote.objects.create(patient=visit.patient, text="Prefers mornings")
    purge_at(visit.end + datetime.timedelta(days=3 * 365))
    visit.refresh_from_db()
    assert visit.patient is None  # the visit's details are gone …
    record = Patient.objects.get()  # … its note and the record naming it stay
    assert (record.name, record.email, record.phone) == ("Avery Chen", "", "")
    assert not PatientNote.objects.exists()
    assert TreatmentNote.objects.get(pk=note.pk).patient == record
    purge_at(visit.end + datetime.timedelta(days=10 * 365 - 5))
    assert TreatmentNote.objects.exists()
    said = purge_at(visit.end + datetime.timedelta(days=10 * 365 + 5))
    assert said["treatment_notes"] == "remove 1 treatment note and 1 patient record"
    assert not TreatmentNote.objects.exists()
    assert not Patient.objects.exists()


def test_a_legal_hold_stops_the_notes_purge_for_that_patient(visit, dana_user):
    draft(visit, dana_user)
    Patient.objects.update(legal_hold=True)
    purge_at(visit.end + datetime.timedelta(days=11 * 365))
    assert TreatmentNote.objects.count() == 1
    Patient.objects.update(legal_hold=False)
    purge_at(visit.end + datetime.timedelta(days=11 * 365))
    assert not TreatmentNote.objects.exists()


def test_the_retention_follows_the_clinic_setting(visit, dana_user, booking_clinic):
    draft(visit, dana_user)
    booking_clinic.treatment_notes_kept_years = 15
    booking_clinic.save()
    purge_at(visit.end + datetime.timedelta(days=11 * 365))
    assert TreatmentNote.objects.exists()


def test_a_minors_notes_count_from_their_18th_birthday(visit, dana_user):
    draft(visit, dana_user)
    Patient.objects.update(date_of_birth=visit.start.date() - datetime.timedelta(days=12 * 365))
    purge_at(visit.end + datetime.timedelta(days=11 * 365))
    assert TreatmentNote.objects.exists()  # 6 + 10 years from this visit


def test_erasure_keeps_notes_under_retention_and_only_the_name_that_names_them(
    visit, dana_user, front_desk_user
):
    note = draft(visit, dana_user)
    patient_data.erase(patient=visit.patient, by=front_desk_user)
    record = Patient.objects.get()
    assert (record.name, record.email, record.phone) == ("Avery Chen", "", "")
    assert TreatmentNote.objects.get().plan == note.plan


def test_the_patients_export_holds_the_notes_the_exporter_may_read_and_logs_the_reads(
    client, visit, dana_user, marcus_user
):
    draft(visit, dana_user)
    url = reverse("admin:booking_patient_export", args=[visit.patient.pk])
    sign_in_as(client, OWNER, username="owner")
    exported = json.loads(client.get(url).content)["treatment_notes"]
    assert [entry["plan"] for entry in exported] == ["Review in two weeks"]
    assert TreatmentNoteRead.objects.get().reader.username == "owner"
    sign_in_as(client, FRONT_DESK, username="desk-user")
    response = client.get(url)
    assert json.loads(response.content)["treatment_notes"] == []
    assert TEXT["assessment"] not in response.content.decode()
    assert TreatmentNoteRead.objects.count() == 1


def test_only_the_owner_sets_the_sharing_and_the_legal_hold_on_a_record(client, visit, marcus):
    url = reverse("admin:booking_patient_change", args=[visit.patient.pk])
    sign_in_as(client, FRONT_DESK, username="desk-user")
    assert 'name="legal_hold"' not in client.get(url).content.decode()
    sign_in_as(client, OWNER, username="owner")
    assert 'name="legal_hold"' in client.get(url).content.decode()
    record = visit.patient
    response = client.post(
        url,
        {"name": record.name, "email": record.email, "phone": record.phone,
         "date_of_birth": "", "notes_shared_with": [marcus.pk], "legal_hold": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.legal_hold
    assert list(record.notes_shared_with.all()) == [marcus]


def test_erasing_a_record_with_notes_says_they_stay(client, visit, dana_user):
    draft(visit, dana_user)
    sign_in_as(client, OWNER, username="owner")
    url = reverse("admin:booking_patient_erase", args=[visit.patient.pk])
    assert "1 treatment note stay" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "its treatment notes are kept" in response.content.decode()
    assert TreatmentNote.objects.count() == 1


# The admin page (booking/admin/treatment_note.py)


def note_url(visit):
    return reverse("admin:booking_appointment_note", args=[visit.pk])


def test_the_therapist_writes_signs_and_amends_a_note_in_the_admin(client, visit, dana_user):
    with after_visit(visit):
        client.force_login(dana_user)  # at that time: a session does not outlive its age
        page = client.get(note_url(visit)).content.decode()
        assert "Latest screening answers" in page
        assert 'name="subjective"' in page
        response = client.post(note_url(visit), {**TEXT, "action": "save"}, follow=True)
        assert "Draft saved." in response.content.decode()
        assert TreatmentNote.objects.get().signed_at is None
        response = client.post(note_url(visit), {**TEXT, "action": "sign"}, follow=True)
        page = response.content.decode()
        assert "The note is signed." in page
        assert "Signed by Dana Whitfield" in page
        assert 'name="subjective"' not in page  # read-only now
        response = client.post(
            note_url(visit), {"action": "addendum", "text": "Called: ache gone"}, follow=True
        )
        assert "Called: ache gone" in response.content.decode()
        # A late change of the signed note is refused, with a message, and changes nothing.
        response = client.post(
            note_url(visit), {**TEXT, "plan": "x", "action": "save"}, follow=True
        )
        assert "This note is locked" in response.content.decode()
    assert TreatmentNote.objects.get().plan == TEXT["plan"]
    assert not TreatmentNoteRead.objects.exists()  # the author's own reads are not logged


def test_bad_input_is_told_next_to_its_field(client, visit, dana_user):
    with after_visit(visit):
        client.force_login(dana_user)  # at that time: a session does not outlive its age
        response = client.post(note_url(visit), {"action": "sign"})
        assert response.status_code == 200
        assert "Write the note before signing it." in response.content.decode()
        response = client.post(note_url(visit), {**TEXT, "pressure": "x" * 101, "action": "save"})
        assert response.status_code == 200
        assert 'id="id_pressure_error"' in response.content.decode()
        assert not TreatmentNote.objects.exists()
        client.post(note_url(visit), {**TEXT, "action": "sign"})
        response = client.post(note_url(visit), {"action": "addendum", "text": " "})
        assert 'id="id_text_error"' in response.content.decode()


def signed_note(visit, dana_user):
    note = draft(visit, dana_user)
    with after_visit(visit):
        notes.sign(note=note, by=dana_user)
    return note


def test_the_front_desk_sees_that_a_note_exists_never_its_text(client, visit, dana_user):
    signed_note(visit, dana_user)
    sign_in_as(client, FRONT_DESK, username="desk-user")
    pages = {
        "note": client.get(note_url(visit)),
        "visit": client.get(reverse("admin:booking_appointment_change", args=[visit.pk])),
        "history": client.get(reverse("admin:booking_appointment_history", args=[visit.pk])),
        "record": client.get(reverse("admin:booking_patient_change", args=[visit.patient.pk])),
        "csv": client.get(reverse("admin:booking_appointment_export")),
        "export": client.get(reverse("admin:booking_patient_export", args=[visit.patient.pk])),
    }
    signed_on = notes.TreatmentNote.objects.get().signed_at
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        for text in TEXT.values():
            assert text not in body, (name, text)
    assert "Treatment note: signed by Dana Whitfield" in pages["visit"].content.decode()
    assert f"signed by Dana Whitfield, {signed_on:%b}" in pages["note"].content.decode()
    assert client.post(note_url(visit), {"action": "addendum", "text": "x"}).status_code == 403
    assert not TreatmentNoteRead.objects.exists()


def test_the_owner_reads_the_note_and_the_read_is_logged(client, visit, dana_user):
    signed_note(visit, dana_user)
    owner = sign_in_as(client, OWNER, username="owner")
    assert TEXT["assessment"] in client.get(note_url(visit)).content.decode()
    assert TreatmentNoteRead.objects.get().reader == owner


def test_another_therapist_cannot_open_the_note_by_its_address(client, visit, dana_user, marcus):
    signed_note(visit, dana_user)
    sign_in_as(client, THERAPISTS, username="marcus", therapist=marcus)
    assert client.get(note_url(visit)).status_code == 404
    assert client.post(note_url(visit), {**TEXT, "action": "save"}).status_code == 404
    assert not TreatmentNoteRead.objects.exists()


def test_the_calendar_block_of_her_visit_opens_the_note_for_the_therapist_only(
    client, visit, dana_user, booking_clinic
):
    calendar = reverse("admin:booking_appointment_calendar")
    query = {"date": visit.start.astimezone(booking_clinic.zone).date().isoformat(), "view": "day"}
    client.force_login(dana_user)
    assert note_url(visit) in client.get(calendar, query).content.decode()
    sign_in_as(client, FRONT_DESK, username="desk-user")
    page = client.get(calendar, query).content.decode()
    assert reverse("admin:booking_appointment_change", args=[visit.pk]) in page
    assert note_url(visit) not in page


def test_a_therapist_the_owner_shares_the_patient_with_reads_from_the_record(
    client, visit, dana_user, marcus, marcus_user
):
    signed_note(visit, dana_user)
    visit.patient.notes_shared_with.add(marcus)
    client.force_login(marcus_user)
    record = reverse("admin:booking_patient_change", args=[visit.patient.pk])
    # Marcus has no visit with this patient: the record itself stays closed to him …
    assert client.get(record).status_code == 302
    # … but the note's page opens, logged, and the author sees who read it.
    assert TEXT["assessment"] in client.get(note_url(visit)).content.decode()
    assert TreatmentNoteRead.objects.get().reader == marcus_user
    client.force_login(dana_user)
    assert "Marcus Oyelaran" in client.get(note_url(visit)).content.decode()


def test_the_record_lists_the_notes_its_reader_may_open(client, visit, dana_user):
    signed_note(visit, dana_user)
    record = reverse("admin:booking_patient_change", args=[visit.patient.pk])
    client.force_login(dana_user)
    assert note_url(visit) in client.get(record).content.decode()
    sign_in_as(client, FRONT_DESK, username="desk-user")
    assert note_url(visit) not in client.get(record).content.decode()


def test_a_shared_therapist_who_also_treats_the_patient_finds_the_note_on_the_record(
    client, visit, dana_user, marcus, marcus_user, massage, monday, booking_clinic, patient
):
    signed_note(visit, dana_user)
    services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "13:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    record = reverse("admin:booking_patient_change", args=[visit.patient.pk])
    client.force_login(marcus_user)
    assert note_url(visit) not in client.get(record).content.decode()
    visit.patient.notes_shared_with.add(marcus)
    assert note_url(visit) in client.get(record).content.decode()
    assert not TreatmentNoteRead.objects.exists()  # listed, not read


def test_merging_records_carries_the_notes_the_sharing_and_the_hold(
    visit, dana_user, marcus, massage, monday, booking_clinic, patient
):
    note = draft(visit, dana_user)
    duplicate = visit.patient
    duplicate.notes_shared_with.add(marcus)
    Patient.objects.filter(pk=duplicate.pk).update(legal_hold=True)
    keep = Patient.objects.create(name="Avery Chen", email="avery.chen@example.com")
    patient_rules.merge(keep=keep, others=[Patient.objects.get(pk=duplicate.pk)])
    keep.refresh_from_db()
    assert TreatmentNote.objects.get(pk=note.pk).patient == keep
    assert keep.legal_hold
    assert list(keep.notes_shared_with.all()) == [marcus]


# The printable record


def test_the_printable_record_holds_the_readers_notes_and_is_logged(client, visit, dana_user):
    signed_note(visit, dana_user)
    with after_visit(visit, hours=30):
        notes.add_addendum(note=TreatmentNote.objects.get(), author=dana_user, text="Later word")
    url = reverse("admin:booking_appointment_treatment_record", args=[visit.patient.pk])
    owner = sign_in_as(client, OWNER, username="owner")
    page = client.get(url).content.decode()
    assert TEXT["assessment"] in page
    assert "Later word" in page
    assert "Signed by Dana Whitfield" in page
    assert TreatmentNoteRead.objects.get().reader == owner
    entry = LogEntry.objects.get(object_id=str(visit.patient.pk), user=owner)
    assert entry.change_message == "Printable treatment record produced (1 note)."


def test_nobody_else_produces_the_printable_record(client, visit, dana_user, marcus):
    signed_note(visit, dana_user)
    url = reverse("admin:booking_appointment_treatment_record", args=[visit.patient.pk])
    sign_in_as(client, FRONT_DESK, username="desk-user")
    assert client.get(url).status_code == 404
    sign_in_as(client, THERAPISTS, username="marcus", therapist=marcus)
    assert client.get(url).status_code == 404
    assert not TreatmentNoteRead.objects.exists()


def test_the_author_signs_a_draft_locked_by_time_as_written(client, visit, dana_user):
    draft(visit, dana_user)
    with after_visit(visit, hours=30):
        client.force_login(dana_user)
        page = client.get(note_url(visit)).content.decode()
        assert "Sign as written" in page
        assert 'name="plan"' not in page
        response = client.post(note_url(visit), {**TEXT, "plan": "x", "action": "sign"})
        assert response.status_code == 302
    note = TreatmentNote.objects.get()
    assert note.signed_at == visit.end + 30 * HOUR
    assert note.plan == TEXT["plan"]
