"""A therapist's note templates (booking/admin/note_template.py, treatment_notes.start_from):
hers alone; a note starts from one without losing what she typed. And her day list
(booking/dashboard.py) takes her from each visit that took place to its note."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import EDITORS, FRONT_DESK, OWNER, THERAPISTS
from booking.models import Appointment, NoteTemplate, TreatmentNote
from booking.rules import services
from booking.rules import treatment_notes as notes
from tests.booking.conftest import at
from tests.booking.test_treatment_notes import TEXT, account, after_visit, draft, note_url
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:booking_notetemplate_changelist")
DASHBOARD = reverse("admin:index")
LOW_BACK = {
    "subjective": "Low back ache _/10, worse _",
    "assessment": "Palpation: _",
    "areas": "Lumbar spine",
    "techniques": "Myofascial release, trigger point",
    "pressure": "Moderate",
    "response": "",
    "plan": "Review in two weeks",
}
MARCUS_WORDING = "Marcus's own wording: shoulder protocol"


def took_place(visit):
    """Set so here: the lifecycle is not what these tests are about."""
    Appointment.objects.filter(pk=visit.pk).update(status=Appointment.Status.COMPLETED)
    visit.refresh_from_db()
    return visit


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient):
    return took_place(
        services.request_appointment(
            service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone),
            patient=patient,
        )
    )  # fmt: skip


@pytest.fixture
def dana_user(client, dana):
    return sign_in_as(client, THERAPISTS, username="dana", therapist=dana)


@pytest.fixture
def low_back(dana_user):
    return NoteTemplate.objects.create(author=dana_user, name="Low back", **LOW_BACK)


@pytest.fixture
def marcus_template(marcus):
    marcus_user = account(THERAPISTS, "marcus", marcus)
    return NoteTemplate.objects.create(
        author=marcus_user, name="Shoulder", assessment=MARCUS_WORDING
    )


# The service


def test_starting_from_a_template_fills_only_the_empty_fields(low_back):
    typed = {"subjective": "Neck stiff since Monday", "plan": "  "}
    filled = notes.start_from(template=low_back, fields=typed)
    assert filled == {**LOW_BACK, "subjective": "Neck stiff since Monday"}
    assert notes.start_from(template=low_back, fields={}) == LOW_BACK


def test_templates_of_an_account_are_its_own_only(low_back, marcus_template, dana_user):
    assert list(notes.templates_of(dana_user)) == [low_back]


# The admin


def test_a_therapist_adds_a_template_and_is_its_author_whatever_is_posted(
    client, dana_user, marcus_template
):
    assert "Add a note template" in client.get(reverse("admin:booking_notetemplate_add")).text
    response = client.post(
        reverse("admin:booking_notetemplate_add"),
        {"name": "Low back", **LOW_BACK, "author": marcus_template.author.pk},
    )
    assert response.status_code == 302
    added = NoteTemplate.objects.get(name="Low back")
    assert (added.author, added.plan) == (dana_user, LOW_BACK["plan"])


def test_a_name_she_already_uses_is_told_next_to_the_field(client, low_back, marcus_template):
    response = client.post(reverse("admin:booking_notetemplate_add"), {"name": "Low back"})
    assert response.status_code == 200
    assert "You already have a template of that name." in response.text
    # Another therapist's names are hers to use too.
    response = client.post(reverse("admin:booking_notetemplate_add"), {"name": "Shoulder"})
    assert response.status_code == 302


def test_the_list_and_every_page_show_her_own_templates_only(client, low_back, marcus_template):
    listing = client.get(CHANGELIST)
    assert "Note templates" in listing.text
    assert "Low back" in listing.text
    assert "Shoulder" not in listing.text
    change = client.get(reverse("admin:booking_notetemplate_change", args=[low_back.pk]))
    assert LOW_BACK["techniques"] in change.text
    for name in ("change", "delete", "history"):
        url = reverse(f"admin:booking_notetemplate_{name}", args=[marcus_template.pk])
        for response in (client.get(url, follow=True), client.post(url, follow=True)):
            assert MARCUS_WORDING not in response.text
            assert response.redirect_chain[0][1] == 302  # "does not exist", to the admin's index
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [marcus_template.pk],
                     "post": "yes"},
    )  # fmt: skip
    assert NoteTemplate.objects.filter(pk=marcus_template.pk).exists()


@pytest.mark.parametrize("role", [OWNER, THERAPISTS])
def test_nobody_else_sees_a_therapists_templates_the_owner_neither(client, role, marcus_template):
    sign_in_as(client, role, username="someone")
    assert "Shoulder" not in client.get(CHANGELIST).text


@pytest.mark.parametrize("role", [FRONT_DESK, EDITORS])
def test_the_front_desk_and_editors_have_no_template_admin(client, role, marcus_template):
    sign_in_as(client, role, username="someone")
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:booking_notetemplate_add")).status_code == 403


# The note page


def start_from(client, visit, template_pk, **typed):
    return client.post(note_url(visit), {**typed, "template": template_pk, "action": "template"})


def test_a_new_note_starts_from_her_template_and_nothing_is_saved(client, visit, low_back):
    with after_visit(visit):
        client.force_login(low_back.author)  # at that time: a session does not outlive its age
        page = client.get(note_url(visit)).text
        assert "Start from a template" in page
        assert f'<option value="{low_back.pk}">Low back</option>' in page
        assert reverse("admin:booking_notetemplate_changelist") in page  # "Manage your templates"
        response = start_from(client, visit, low_back.pk)
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form[name].value() for name in notes.NOTE_FIELDS} == LOW_BACK
    assert "The empty fields are filled from “Low back”" in response.text
    assert not TreatmentNote.objects.exists()


def test_what_she_typed_or_saved_is_never_replaced(client, visit, low_back):
    draft(visit, low_back.author, **{**dict.fromkeys(notes.NOTE_FIELDS, ""), "plan": "Saved plan"})
    with after_visit(visit):
        client.force_login(low_back.author)
        response = start_from(
            client, visit, low_back.pk, subjective="Typed, not saved", plan="Saved plan"
        )
    form = response.context["form"]
    assert form["subjective"].value() == "Typed, not saved"
    assert form["plan"].value() == "Saved plan"
    assert form["assessment"].value() == LOW_BACK["assessment"]
    assert TreatmentNote.objects.get().assessment == ""  # filled in the form, not saved


def test_another_therapists_template_is_refused_and_what_she_typed_kept(
    client, visit, low_back, marcus_template
):
    with after_visit(visit):
        client.force_login(low_back.author)
        response = start_from(client, visit, marcus_template.pk, subjective="Typed")
    assert response.status_code == 200
    assert "Choose one of your own templates." in response.text
    assert MARCUS_WORDING not in response.text
    assert "Shoulder" not in response.text
    assert response.context["form"]["subjective"].value() == "Typed"


def test_a_signed_note_offers_no_template(client, visit, low_back):
    note = draft(visit, low_back.author)
    with after_visit(visit):
        notes.sign(note=note, by=low_back.author)
        client.force_login(low_back.author)
        assert "Start from a template" not in client.get(note_url(visit)).text
        response = start_from(client, visit, low_back.pk)
        assert response.status_code == 302  # refused with a message, nothing changed
        assert LOW_BACK["assessment"] not in client.get(note_url(visit)).text
    assert TreatmentNote.objects.get().assessment == TEXT["assessment"]


# The day list


def visit_at(massage, therapist, start, patient, status=Appointment.Status.COMPLETED):
    appointment = services.request_appointment(
        service=massage, therapist=therapist, start=start, patient=patient
    )
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    return appointment


def day_list_links(client):
    board = client.get(DASHBOARD).context["dashboard"]
    return {visit.pk: visit.note_link for visit in board.today_visits}


def test_her_day_list_links_each_visit_that_took_place_to_its_note(
    client, visit, dana_user, massage, dana, patient, booking_clinic
):
    later = visit_at(massage, dana, visit.start + datetime.timedelta(hours=2), patient, "confirmed")
    with after_visit(later, hours=0):
        client.force_login(dana_user)
        assert day_list_links(client) == {visit.pk: "Write note", later.pk: ""}
        page = client.get(DASHBOARD).text
        assert f'href="{note_url(visit)}">Write note' in page
        assert note_url(later) not in page
    note = draft(visit, dana_user)
    with after_visit(later, hours=0):
        client.force_login(dana_user)
        assert day_list_links(client)[visit.pk] == "Note (draft)"
        notes.sign(note=note, by=dana_user)
        assert day_list_links(client)[visit.pk] == "Note (signed)"


@pytest.mark.parametrize("role", [FRONT_DESK, OWNER])
def test_the_day_list_links_no_one_else_to_the_note(client, visit, role):
    with after_visit(visit, hours=0):
        sign_in_as(client, role, username="someone")
        assert day_list_links(client) == {visit.pk: ""}
        assert note_url(visit) not in client.get(DASHBOARD).text


def test_her_day_list_costs_the_same_queries_whatever_its_length_and_its_notes(
    client, dana, dana_user, front_desk_user, massage, monday, booking_clinic
):
    counts = []
    for size in (3, 7):
        TreatmentNote.objects.all().delete()
        Appointment.objects.all().delete()
        day = []
        for n in range(size):
            visit = Appointment(
                service=massage, therapist=dana, patient_name=f"Patient {n}",
                start=at(monday, "09:00", booking_clinic.zone) + datetime.timedelta(minutes=75 * n),
                patient_phone="+14165550123",
            )  # fmt: skip
            day.append(took_place(services.book_by_staff(appointment=visit, by=front_desk_user)))
        for n, visit in enumerate(day[1:]):
            note = draft(visit, dana_user)
            if n % 2:
                with after_visit(visit):
                    notes.sign(note=note, by=dana_user)
        with after_visit(day[-1], hours=0):
            client.force_login(dana_user)
            with CaptureQueriesContext(connection) as queries:
                links = day_list_links(client)
        assert links[day[0].pk] == "Write note"
        assert set(links.values()) == {"Write note", "Note (draft)", "Note (signed)"}
        counts.append(len(queries))
    assert counts[0] == counts[1]
