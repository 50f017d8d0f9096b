"""The patient record as the front desk reads it (booking/patient_record.py and the patient
admin): found by phone however it is typed, visits coming and past apart, what they add up
to, dated notes, the emails sent, Book again; and the history page in clinic time."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from booking import receipts
from booking.models import (
    Appointment,
    AppointmentEvent,
    Charge,
    Patient,
    PatientNote,
    Payment,
)
from booking.rules import selectors
from clinic.models import Clinic
from emails.models import Email
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def now(monday, booking_clinic):
    """Wednesday noon of the week of `monday`, clinic time: two days past, more to come."""
    moment = at(monday + datetime.timedelta(days=2), "12:00", booking_clinic.zone)
    with time_machine.travel(moment, tick=False):
        yield moment


def visit(patient, therapist, service, start, status="confirmed", **extra):
    return Appointment.objects.create(
        patient=patient, therapist=therapist, service=service, start=start, end=start + HOUR,
        hold_until=start + HOUR, status=status, patient_name=patient.name,
        patient_email=patient.email, patient_phone=patient.phone, **extra,
    )  # fmt: skip


def cancelled(appointment, *, at_time, by_patient=False):
    appointment.status = Appointment.Status.CANCELLED
    appointment.save()
    AppointmentEvent.objects.create(
        appointment=appointment, action=AppointmentEvent.Action.CANCELLED, at=at_time,
        by_patient=by_patient,
    )  # fmt: skip
    return appointment


@pytest.fixture
def avery(db):
    return Patient.objects.create(
        name="Avery Chen", email="avery@example.com", phone="+14165550103"
    )


@pytest.fixture
def others(db):
    return [
        Patient.objects.create(
            name="Blake Moreau", email="blake@example.com", phone="+14165550199"
        ),
        Patient.objects.create(name="Casey Ng", email="casey@example.org", phone="+16475550103"),
    ]


@pytest.fixture
def history(avery, dana, marcus, massage, monday, now, booking_clinic):
    """Avery's visits around `now`: two past (one a no-show), two cancelled (one late), two
    coming, one of them with Marcus."""
    zone = booking_clinic.zone
    tuesday = monday + datetime.timedelta(days=1)
    return {
        "completed": visit(avery, dana, massage, at(monday, "09:00", zone), "completed"),
        "no_show": visit(avery, dana, massage, at(tuesday, "09:00", zone), "no_show"),
        # 20 hours before the visit, within the 24 hours' notice: late.
        "late": cancelled(
            visit(avery, dana, massage, at(tuesday, "15:00", zone)),
            at_time=at(monday, "19:00", zone),
            by_patient=True,
        ),
        # Three days before: in good time.
        "in_time": cancelled(
            visit(avery, dana, massage, at(monday + datetime.timedelta(days=3), "10:00", zone)),
            at_time=at(monday, "10:00", zone) - 2 * 24 * HOUR,
            by_patient=True,
        ),
        "coming": visit(avery, dana, massage, at(monday + datetime.timedelta(days=7), "10:00", zone)),
        "marcus": visit(avery, marcus, massage, at(monday + datetime.timedelta(days=8), "11:00", zone)),
    }  # fmt: skip


def changelist(client, term):
    page = client.get(reverse("admin:booking_patient_changelist"), {"q": term})
    return page.content.decode()


@pytest.mark.parametrize(
    "typed", ["416-555-0103", "(416) 555-0103", "4165550103", "+1 416 555 0103", "1-416-555-0103"]
)
def test_the_desk_finds_a_patient_by_phone_however_it_is_typed(
    client, front_desk_user, avery, others, typed
):
    client.force_login(front_desk_user)
    page = changelist(client, typed)
    assert "Avery Chen" in page
    assert "Blake Moreau" not in page
    assert "Casey Ng" not in page  # same last seven digits, another area code


def test_the_last_seven_digits_find_everyone_with_them(client, front_desk_user, avery, others):
    client.force_login(front_desk_user)
    page = changelist(client, "555-0103")
    assert "Avery Chen" in page
    assert "Casey Ng" in page
    assert "Blake Moreau" not in page


@pytest.mark.parametrize("typed", ["aver", "AVERY CH", "avery@exa"])
def test_a_partial_name_or_email_finds_the_patient(client, front_desk_user, avery, others, typed):
    client.force_login(front_desk_user)
    page = changelist(client, typed)
    assert "Avery Chen" in page
    assert "Blake Moreau" not in page


def test_the_search_box_has_a_name(client, front_desk_user, avery):
    client.force_login(front_desk_user)
    page = changelist(client, "")
    label = re.search(r'<label for="searchbar">(.*?)</label>', page, re.S).group(1)
    assert "Search patients" in re.sub(r"<[^>]+>", "", label)


def record_page(client, patient):
    return client.get(reverse("admin:booking_patient_change", args=[patient.pk]))


def test_the_record_shows_coming_and_past_visits_apart_with_what_they_add_up_to(
    client, front_desk_user, avery, history
):
    client.force_login(front_desk_user)
    record = record_page(client, avery).context["record"]
    assert record.upcoming == [history["in_time"], history["coming"], history["marcus"]]
    assert record.past == [history["late"], history["no_show"], history["completed"]]
    assert (record.no_shows, record.late_cancellations) == (1, 1)
    page = record_page(client, avery).content.decode()
    assert re.search(r"<dt>No-shows</dt>\s*<dd>\s*1\s*</dd>", page)
    assert re.search(r"<dt>Late cancellations</dt>\s*<dd>\s*1\s*</dd>", page)
    coming = page.split('id="upcoming-heading"')[1].split('id="past-heading"')[0]
    assert reverse("admin:booking_appointment_change", args=[history["coming"].pk]) in coming
    assert reverse("admin:booking_appointment_change", args=[history["no_show"].pk]) not in coming


def test_only_the_patients_own_cancellations_within_the_notice_or_after_the_start_are_late(
    client, front_desk_user, avery, dana, massage, monday, now, booking_clinic
):
    zone = booking_clinic.zone
    early = visit(avery, dana, massage, at(monday, "10:00", zone))
    cancelled(early, at_time=at(monday, "10:00", zone) - 25 * HOUR, by_patient=True)
    after = visit(avery, dana, massage, at(monday, "14:00", zone))
    cancelled(after, at_time=at(monday, "14:30", zone), by_patient=True)
    # The therapist fell ill: the clinic cancelled an hour before. Not the patient's doing.
    clinics = visit(avery, dana, massage, at(monday, "16:00", zone))
    cancelled(clinics, at_time=at(monday, "15:00", zone))
    client.force_login(front_desk_user)
    assert record_page(client, avery).context["record"].late_cancellations == 1


def test_the_desk_says_who_asked_to_cancel_and_the_patients_late_ask_counts(
    client, front_desk_user, avery, dana, massage, monday, now, booking_clinic
):
    soon = visit(avery, dana, massage, now + 3 * HOUR)
    url = reverse("admin:booking_appointment_transition", args=[soon.pk, "cancel"])
    client.force_login(front_desk_user)
    asked = client.post(url, {"message": "See you next week."}).content.decode()
    assert "Please say who asked to cancel" in asked
    assert "See you next week." in asked  # what was typed is kept
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.CONFIRMED
    client.post(url, {"asked_by": "patient", "message": "See you next week."})
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.CANCELLED
    event = soon.events.get(action=AppointmentEvent.Action.CANCELLED)
    assert (event.by_patient, event.actor) == (True, front_desk_user)
    assert record_page(client, avery).context["record"].late_cancellations == 1


def test_book_again_opens_the_add_form_with_the_latest_visits_service_and_therapist(
    client, front_desk_user, avery, history
):
    client.force_login(front_desk_user)
    page = record_page(client, avery).content.decode()
    latest = history["late"]  # the latest visit before now
    link = re.search(r'class="book-again-link"\s+href="([^"]+)"', page).group(1)
    assert link == (
        f"{reverse('admin:booking_appointment_add')}?patient={avery.pk}"
        f"&amp;therapist={latest.therapist_id}&amp;service={latest.service_id}"
    )
    assert f"Book again: {latest.service.name} with {latest.therapist.name}" in page


def test_a_patient_with_no_visit_has_no_book_again(client, front_desk_user, avery):
    client.force_login(front_desk_user)
    page = record_page(client, avery).content.decode()
    assert "Book again" not in page
    assert "No coming visit." in page


def test_notes_are_added_with_author_and_time_and_never_overwrite_each_other(
    client, front_desk_user, avery, now
):
    front_desk_user.first_name, front_desk_user.last_name = "Jordan", "Lee"
    front_desk_user.save()
    client.force_login(front_desk_user)
    url = reverse("admin:booking_patient_add_note", args=[avery.pk])
    client.post(url, {"text": "Prefers mornings."})
    with time_machine.travel(now + HOUR, tick=False):
        response = client.post(url, {"text": "Allergic to almond oil."}, follow=True)
    assert "Note added to the record." in response.content.decode()
    assert [(n.text, n.author) for n in avery.notes.all()] == [
        ("Allergic to almond oil.", front_desk_user),
        ("Prefers mornings.", front_desk_user),
    ]
    page = record_page(client, avery).content.decode()
    notes = page.split('id="notes-heading"')[1]
    assert notes.index("Allergic to almond oil.") < notes.index("Prefers mornings.")
    assert "Jordan Lee" in notes
    assert "1:00 PM" in notes  # clinic time, not UTC
    assert "12:00 PM" in notes


def test_an_empty_note_is_refused_with_a_message_and_a_get_changes_nothing(
    client, front_desk_user, avery
):
    client.force_login(front_desk_user)
    url = reverse("admin:booking_patient_add_note", args=[avery.pk])
    response = client.post(url, {"text": "   "}, follow=True)
    assert "The note was not added: This field is required." in response.content.decode()
    assert client.get(url).status_code == 405
    assert not avery.notes.exists()


def test_a_therapist_adds_notes_only_to_her_own_patients(
    client, avery, others, history, dana, massage
):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    assert client.post(reverse("admin:booking_patient_add_note", args=[avery.pk]), {"text": "Ok"}).status_code == 302  # fmt: skip
    stranger = others[0]
    response = client.post(reverse("admin:booking_patient_add_note", args=[stranger.pk]), {"text": "No"})  # fmt: skip
    assert response.status_code == 404
    assert not stranger.notes.exists()


def test_the_emails_sent_show_with_their_status_as_the_staff_member_may_see_them(
    client, front_desk_user, avery, history, dana
):
    def email(about, kind, status):
        return Email.objects.create(kind=kind, status=status, about=about, recipient_key="k")

    email(f"appointment:{history['coming'].pk}", "request_confirmed", Email.Status.SENT)
    email(f"appointment:{history['marcus'].pk}", "reminder", Email.Status.FAILED)
    email(f"patient:{avery.pk}", "sign_in_link", Email.Status.SENT)
    email("appointment:999999", "someone_else", Email.Status.SENT)
    email(f"appointment:{history['coming'].pk}", "new_request", Email.Status.SENT)  # the clinic's
    client.force_login(front_desk_user)
    emails = record_page(client, avery).content.decode().split('id="emails-heading"')[1]
    assert "Request confirmed" in emails
    assert "Sent" in emails
    assert "Reminder" in emails
    assert "Could not be delivered" in emails
    assert "Sign in link" in emails
    assert "Someone else" not in emails
    assert "New request" not in emails
    # Dana sees the emails about her visits only.
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    emails = record_page(client, avery).content.decode().split('id="emails-heading"')[1]
    assert "Request confirmed" in emails
    assert "Reminder" not in emails
    assert "Sign in link" not in emails


def test_a_therapist_sees_only_her_visits_and_counts_on_the_record(client, avery, history, dana):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    record = record_page(client, avery).context["record"]
    assert history["marcus"] not in record.upcoming
    assert history["coming"] in record.upcoming


def grow(patient, dana, massage, monday, zone, n):
    desk = UserFactory()
    for day in range(n):
        start = at(monday + datetime.timedelta(days=day), "16:00", zone)
        one = visit(patient, dana, massage, start, "completed" if day % 2 else "no_show")
        if day % 2:  # paid, with a receipt: the record lists the years with receipts
            Charge.objects.create(
                appointment=one, kind=Charge.Kind.FEE, description="Fee", amount=90,
                created_by=desk,
            )  # fmt: skip
            Payment.objects.create(appointment=one, method="card", amount=90, created_by=desk)
            receipts.issue(one, by=desk, clinic=Clinic.objects.current())
        PatientNote.objects.create(patient=patient, text=f"Note {day}", author=UserFactory())
        Email.objects.create(kind="reminder", about=f"patient:{patient.pk}", recipient_key="k")


def test_the_record_page_takes_the_same_queries_whatever_its_size(
    client, front_desk_user, avery, history, dana, massage, monday, now, booking_clinic,
    django_assert_num_queries,
):  # fmt: skip
    client.force_login(front_desk_user)
    record_page(client, avery)  # warm the session and the clinic's caches
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        record_page(client, avery)
    grow(avery, dana, massage, monday - datetime.timedelta(days=60), booking_clinic.zone, 30)
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        assert record_page(client, avery).status_code == 200


# 18: the treatment notes this account may read (its therapist profile, then the notes).
# 19: the years with receipts, for the desk (one query, whatever the receipts).
RECORD_PAGE_QUERIES = 19


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_records_notes_as_a_first_dated_note(booking_clinic):
    executor = MigrationExecutor(connection)
    executor.migrate([("booking", "0018_front_desk_day_sheet")])
    old = executor.loader.project_state([("booking", "0018_front_desk_day_sheet")]).apps
    OldPatient = old.get_model("booking", "Patient")
    OldPatient.objects.create(name="With notes", staff_notes="Prefers mornings.\nUses a cane.")
    OldPatient.objects.create(name="Without notes", staff_notes="  ")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    [note] = PatientNote.objects.all()
    assert (note.patient.name, note.text, note.author) == (
        "With notes",
        "Prefers mornings.\nUses a cane.",
        None,
    )


def test_the_history_page_shows_clinic_time_with_its_zone_and_no_empty_header(
    client, front_desk_user, avery, history, booking_clinic
):
    client.force_login(front_desk_user)
    coming = history["coming"]
    coming.start, coming.end, coming.hold_until = (
        coming.start + HOUR,
        coming.end + HOUR,
        coming.hold_until + HOUR,
    )
    coming.save()  # a change of time, as the history keeps it
    page = client.get(reverse("admin:booking_appointment_history", args=[coming.pk]))
    html = page.content.decode()
    assert "Times are clinic time (America/Toronto)." in html
    assert "UTC" not in html
    assert "+00:00" not in html
    headers = re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    assert headers
    assert all(h.strip() for h in headers)
    # The changed time reads in clinic time: 10:00 AM became 11:00 AM, in its zone.
    zone = timezone.localtime(coming.start, booking_clinic.zone).tzname()
    assert re.search(rf"10:00 AM {zone}\s*→\s*\S.*11:00 AM {zone}", html)


def test_the_export_gives_the_patient_every_dated_note(client, front_desk_user, avery, history):
    from booking.rules import patients

    patients.add_note(patient=avery, text="Prefers mornings.", author=front_desk_user)
    client.force_login(front_desk_user)
    data = client.get(reverse("admin:booking_patient_export", args=[avery.pk])).json()
    [note] = data["record"]["staff_notes"]
    assert note["text"] == "Prefers mornings."
    assert note["written_at"]


@pytest.mark.parametrize("typed", ["(416) 555-0103", "555-0103"])
def test_the_appointment_list_finds_a_visit_by_the_phone_as_typed(
    client, front_desk_user, avery, history, typed
):
    client.force_login(front_desk_user)
    url = reverse("admin:booking_appointment_changelist")
    page = client.get(url, {"q": typed}).content.decode()
    assert "Avery Chen" in page
    blake = Patient.objects.create(name="Blake Moreau", email="b@example.com", phone="+14165550199")
    coming = history["coming"]
    visit(blake, coming.therapist, coming.service, coming.start + datetime.timedelta(days=1))
    assert "Blake Moreau" not in client.get(url, {"q": typed}).content.decode()


def test_staff_notes_are_read_through_the_selectors(avery, others, history, dana, marcus):
    """Notes on a record are read by whoever may see the record, and by nobody else: a
    therapist reads the notes on her own patients' records, never on a stranger's."""
    mine = PatientNote.objects.create(patient=avery, text="Hard of hearing.")
    theirs = PatientNote.objects.create(patient=others[0], text="Prefers mornings.")
    dana.user = UserFactory(username="dana")
    dana.save()
    notes = PatientNote.objects.all()
    assert set(selectors.patient_notes_visible_to(dana.user, notes)) == {mine}
    desk = UserFactory(username="desk-notes")
    desk.groups.add(Group.objects.get(name="Front desk"))
    assert set(selectors.patient_notes_visible_to(desk, notes)) == {mine, theirs}
    assert not selectors.patient_notes_visible_to(UserFactory(username="editor"), notes).exists()
