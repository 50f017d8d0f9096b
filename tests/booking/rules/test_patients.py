"""Patient records: requests join them, staff read and merge them, therapists review flags."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, Patient, PatientNote
from booking.rules import patients, services
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def booked(massage, dana, marcus, monday, booking_clinic, patient):
    zone = booking_clinic.zone
    first = services.request_appointment(service=massage, therapist=dana, start=at(monday, "10:00", zone), patient=patient)  # fmt: skip
    patient.email = "AVERY@example.com"
    second = services.request_appointment(service=massage, therapist=marcus, start=at(monday, "14:00", zone), patient=patient)  # fmt: skip
    return first, second


def test_a_second_request_with_the_same_email_joins_the_same_record(booked):
    first, second = booked
    assert first.patient == second.patient
    assert Patient.objects.get().email == "avery@example.com"


def test_a_caller_without_email_is_found_by_phone():
    one = patients.find_or_create(name="Casey", email="", phone="+14165550177")
    assert patients.find_or_create(name="Casey C.", email="", phone="+14165550177") == one
    assert patients.find_or_create(name="Other", email="", phone="+14165550188") != one


def test_merging_moves_every_visit_and_keeps_the_notes_with_their_authors(booked):
    duplicate = Patient.objects.create(name="Avery C.", email="", phone="+14165550101")
    author = UserFactory(username="jordan")
    written = timezone.now() - datetime.timedelta(days=30)
    PatientNote.objects.create(
        patient=duplicate, text="Prefers mornings.", author=author, created_at=written
    )
    patients.add_note(patient=booked[0].patient, text="Pays by card.", author=author)
    Appointment.objects.filter(pk=booked[1].pk).update(patient=duplicate)
    kept = patients.merge(keep=booked[0].patient, others=[duplicate])
    assert set(kept.appointments.all()) == set(booked)
    assert [(n.text, n.author, n.created_at == written) for n in kept.notes.all()] == [
        ("Pays by card.", author, False),
        ("Prefers mornings.", author, True),
    ]
    assert not Patient.objects.filter(pk=duplicate.pk).exists()


def test_the_patient_page_shows_every_visit_and_the_latest_screening(
    client, front_desk_user, booked
):
    client.force_login(front_desk_user)
    record = booked[0].patient
    page = client.get(reverse("admin:booking_patient_change", args=[record.pk])).content.decode()
    for appointment in booked:
        assert reverse("admin:booking_appointment_change", args=[appointment.pk]) in page
    assert "Pregnant" in page
    assert f"(given {timezone.localdate():%B}" in page


def test_a_therapist_sees_only_her_own_patients_records(
    client, booked, dana, massage, marcus, monday, booking_clinic, patient
):
    patient.email, patient.name = "other@example.com", "Other Person"
    other = services.request_appointment(service=massage, therapist=marcus, start=at(monday, "15:30", booking_clinic.zone), patient=patient)  # fmt: skip
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    listing = client.get(reverse("admin:booking_patient_changelist")).content.decode()
    assert "Avery Chen" in listing
    assert "Other Person" not in listing
    direct = client.get(
        reverse("admin:booking_patient_change", args=[other.patient.pk]), follow=True
    )
    assert "Other Person" not in direct.content.decode()
    mine = client.get(
        reverse("admin:booking_patient_change", args=[booked[0].patient.pk])
    ).content.decode()
    # Marcus's visit with the same patient is not hers to see.
    assert reverse("admin:booking_appointment_change", args=[booked[1].pk]) not in mine


def test_the_therapist_marks_a_flagged_screening_reviewed_with_who_and_when(client, booked, dana):
    user = sign_in_as(client, "Therapists", username="dana", therapist=dana)
    visit = booked[0]
    page = client.get(reverse("admin:booking_appointment_change", args=[visit.pk])).content.decode()
    assert "Review the screening" in page
    response = client.post(
        reverse("admin:booking_appointment_review", args=[visit.pk]),
        {"outcome": "doctor_note", "note": "Ask for her obstetrician's go-ahead."},
        follow=True,
    )
    assert "screening marked “Needs a doctor’s note first”" in response.content.decode()
    visit.refresh_from_db()
    assert visit.screening_review == Appointment.Review.DOCTOR_NOTE
    assert visit.screening_reviewed_by == user
    assert visit.screening_reviewed_at is not None
    assert visit.events.last().note == "Needs a doctor’s note first"
    # Reviewed: off the dashboard's list of screenings to look at.
    board = client.get(reverse("admin:index")).context["dashboard"]
    assert visit not in board.to_review


def test_without_the_health_permission_staff_see_no_reason_or_screening(client, booked):
    user = UserFactory(username="reception")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_appointment", "view_all_appointments"])
    )
    client.force_login(user)
    visit = booked[0]
    page = client.get(reverse("admin:booking_appointment_change", args=[visit.pk])).content.decode()
    assert visit.reference in page
    assert "Sore lower back" not in page
    assert "Pregnant" not in page
    listing = client.get(reverse("admin:booking_appointment_changelist")).content.decode()
    assert "Check screening" not in listing


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_appointments_patient_records(
    massage, dana, monday, booking_clinic
):
    executor = MigrationExecutor(connection)
    executor.migrate([("booking", "0007_patients")])
    old = executor.loader.project_state([("booking", "0007_patients")]).apps
    OldAppointment = old.get_model("booking", "Appointment")
    start = at(monday, "10:00", booking_clinic.zone)
    for n, (email, phone) in enumerate(
        [
            ("a@example.com", "+14165550101"),
            ("A@example.com", "+14165550102"),
            ("", "+14165550103"),
            ("", "+14165550103"),
        ]
    ):
        OldAppointment.objects.create(
            reference=f"REF{n}", access_token=f"token{n}", service_id=massage.pk, therapist_id=dana.pk,
            start=start, end=start + HOUR, hold_until=start + HOUR, status="cancelled", patient_name=f"P{n}",
            patient_email=email, patient_phone=phone, created_at=start,
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Patient.objects.count() == 2  # one per email (any case), one per phone
    assert not Appointment.objects.filter(patient=None).exists()


def test_changes_to_a_record_are_kept_with_who_and_what(client, front_desk_user, booked):
    client.force_login(front_desk_user)
    record = booked[0].patient
    url = reverse("admin:booking_patient_change", args=[record.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "phone": "+14165550177",
            "appointments-TOTAL_FORMS": 0,
            "appointments-INITIAL_FORMS": 0,
        }
    )
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("admin:booking_patient_history", args=[record.pk]))
    page = history.content.decode()
    assert "+14165550101" in page  # the old phone
    assert "+14165550177" in page  # the new one
    assert front_desk_user.username in page
    # History is for reading: no revert.
    version = record.history.first()
    revert = reverse("admin:booking_patient_simple_history", args=[record.pk, version.history_id])
    assert client.get(revert).status_code == 403


def test_staff_export_everything_held_about_a_patient_and_it_is_logged(
    client, front_desk_user, booked
):
    import json

    from django.contrib.admin.models import LogEntry

    client.force_login(front_desk_user)
    record = booked[0].patient
    response = client.get(reverse("admin:booking_patient_export", args=[record.pk]))
    data = json.loads(response.content)
    assert response["Content-Disposition"] == f'attachment; filename="patient-{record.pk}.json"'
    assert data["record"]["email"] == "avery@example.com"
    assert [visit["reference"] for visit in data["visits"]] == [a.reference for a in booked]
    assert data["visits"][0]["reason"] == "Sore lower back after moving house"
    assert data["visits"][0]["screening"] == ["Pregnant"]
    assert LogEntry.objects.filter(
        object_id=str(record.pk), change_message__contains="Exported"
    ).exists()


def test_the_owner_erases_a_patient_after_one_question_and_the_erasure_is_recorded(client, booked):
    from django.contrib.admin.models import LogEntry

    from tests.conftest import sign_in_as

    owner = sign_in_as(client, "Owner", username="owner")
    record = booked[0].patient
    url = reverse("admin:booking_patient_erase", args=[record.pk])
    assert "Yes, erase everything" in client.get(url).content.decode()
    assert Patient.objects.filter(pk=record.pk).exists()  # asking changed nothing
    client.post(url)
    assert not Patient.objects.filter(pk=record.pk).exists()
    for visit in booked:
        visit.refresh_from_db()
        assert (visit.patient_name, visit.patient_email, visit.reason, visit.screening) == (
            "(removed)",
            "",
            "",
            {},
        )
    entry = LogEntry.objects.get(object_id=str(record.pk))
    assert entry.user == owner
    assert "Avery" not in entry.object_repr + entry.change_message


def test_the_front_desk_cannot_erase_a_patient(client, front_desk_user, booked):
    client.force_login(front_desk_user)
    record = booked[0].patient
    assert client.post(reverse("admin:booking_patient_erase", args=[record.pk])).status_code == 403
    assert Patient.objects.filter(pk=record.pk).exists()
