"""The one access rule (booking/rules/selectors.py), tried against every admin view and action
registered, not a hand-made list: a view or action added later is tried too.

The planted data: one patient record shared by two therapists (a visit with Dana and one with
Marcus, the way a public booking with the same email joins a record), Marcus's signed treatment
note of his visit with an addendum, and a record only Marcus sees. The front desk walks every URL
too, for the note's text alone. Dana (a linked therapist) and an editor open every admin URL, by GET and by POST, and run
every admin action on Marcus's objects: nothing of Marcus's visits may show, and nothing changes.
"""

import json

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse

from accounts.roles import EDITORS, FRONT_DESK, OWNER, THERAPISTS
from booking import receipts
from booking.models import Appointment, Charge, NoteTemplate, Payment, TreatmentNote
from booking.rules import lifecycle, services
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARCUS_REASON = "Marcus-only reason: shoulder after the accident"
MARCUS_ANSWER = "Varicose veins"  # the text of the screening answer only Marcus's visit gave
# Marcus's treatment note of the shared visit, and its addendum: only he and the owner read them.
NOTE_TEXT = "Marcus-only note: guarding of the right shoulder"
ADDENDUM_TEXT = "Marcus-only addendum: referred to a physician"
# Marcus's own note template: nobody else sees or uses it, by page or by address.
TEMPLATE_TEXT = "Marcus-only template: check the rotator cuff"


@pytest.fixture
def planted(massage, dana, marcus, monday, booking_clinic, patient):
    zone = booking_clinic.zone
    patient.reason, patient.screening = "Dana's visit", {}
    with_dana = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", zone), patient=patient
    )
    patient.reason, patient.screening = MARCUS_REASON, {"varicose_veins": True}
    shared = services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "11:00", zone), patient=patient
    )
    patient.name, patient.email, patient.phone = "Private Person", "pp@example.com", "+14165550199"
    only_marcus = services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "14:00", zone), patient=patient
    )
    assert shared.patient_id == with_dana.patient_id  # one record, two therapists
    marcus.user = UserFactory(username="marcus-account")
    marcus.save()
    note = TreatmentNote.objects.create(
        appointment=shared, patient=shared.patient, author=marcus.user, assessment=NOTE_TEXT,
        signed_at=shared.end,
    )  # fmt: skip
    note.addenda.create(author=marcus.user, text=ADDENDUM_TEXT)
    template = NoteTemplate.objects.create(
        author=marcus.user, name="Shoulder", assessment=TEMPLATE_TEXT
    )
    # Marcus's visit paid, with its receipt: its checkout, receipt and the year's receipts.
    desk = UserFactory(username="planted-desk")
    Charge.objects.create(
        appointment=shared, kind=Charge.Kind.FEE, description="Fee", amount=100, created_by=desk
    )
    Payment.objects.create(appointment=shared, method="cash", amount=100, created_by=desk)
    receipt = receipts.issue(shared, by=desk, clinic=booking_clinic)
    return {
        "dana": with_dana, "shared": shared, "only_marcus": only_marcus, "template": template,
        "receipt": receipt, "year": shared.start.astimezone(zone).year,
    }  # fmt: skip


def secrets_of(planted):
    """What Dana must never read: Marcus's visits' references, reason, answers, other patient."""
    return [
        planted["shared"].reference,
        planted["only_marcus"].reference,
        MARCUS_REASON,
        MARCUS_ANSWER,
        "Private Person",
        "+14165550199",
        NOTE_TEXT,
        ADDENDUM_TEXT,
        TEMPLATE_TEXT,
    ]


def admin_routes(patterns=None, prefix=""):
    """(route, name, pattern) for every admin URL, through includes."""
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), pattern.name, pattern


def objects_for(name, planted):
    """Marcus's objects, for a route named after a model (booking_appointment_change …)."""
    if name.startswith("booking_appointment"):
        return [planted["shared"], planted["only_marcus"]]
    if name.startswith("booking_patient"):
        return [planted["shared"].patient, planted["only_marcus"].patient]
    if name.startswith("booking_notetemplate"):
        return [planted["template"]]
    return [None]


def urls_of(name, pattern, planted):
    """Every address of this route worth trying with the planted objects."""
    groups = set(pattern.pattern.regex.groupindex)
    if name.endswith("simple_history"):
        for obj in objects_for(name, planted):
            history_id = obj.history.first().history_id
            prefix = reverse(f"admin:{name.removesuffix('_simple_history')}_changelist")
            yield f"{prefix}{obj.pk}/history/{history_id}/"
        return
    if not groups:
        yield reverse(f"admin:{name}")
        return
    for obj in objects_for(name, planted):
        kwargs = {}
        for group in groups:
            if group in ("object_id", "pk", "id"):
                kwargs[group] = obj.pk if obj is not None else 1
            elif group == "content_type_id":
                kwargs[group] = ContentType.objects.get_for_model(Appointment).pk
                kwargs["object_id"] = planted["shared"].pk
            elif group == "app_label":
                kwargs[group] = "booking"
            elif group == "number":
                kwargs[group] = planted["receipt"].number
            elif group == "year":
                kwargs[group] = planted["year"]
        if "name" in groups:
            for transition in lifecycle.TRANSITIONS:
                yield reverse(f"admin:{name}", kwargs={**kwargs, "name": transition})
        else:
            yield reverse(f"admin:{name}", kwargs=kwargs)


def every_request(planted):
    for _route, name, pattern in admin_routes():
        if name in ("logout", "login"):
            continue  # signing out would end the test's own session
        for url in urls_of(name, pattern, planted):
            yield "get", url, {}
            yield "post", url, {}
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        targets = objects_for(f"{model._meta.app_label}_{model._meta.model_name}", planted)
        selected = [obj.pk for obj in targets if obj is not None]
        for action in model_admin.actions or ():
            yield "post", changelist, {"action": action, "_selected_action": selected}


def leaks(client, planted, secrets=None):
    secrets = secrets_of(planted) if secrets is None else secrets
    found = []
    for method, url, data in every_request(planted):
        response = getattr(client, method)(url, data, follow=True)
        page = response.content.decode(errors="replace")
        found += [(method, url, secret) for secret in secrets if secret in page]
    return found


@pytest.mark.parametrize("role", [THERAPISTS, EDITORS])
def test_no_admin_view_or_action_shows_or_changes_another_therapists_visits(
    client, planted, dana, role
):
    sign_in_as(client, role, username="tried", therapist=dana if role == THERAPISTS else None)
    assert leaks(client, planted) == []
    for visit in (planted["dana"], planted["shared"], planted["only_marcus"]):
        before = visit.status, visit.therapist_id, visit.start
        visit.refresh_from_db()
        assert (visit.status, visit.therapist_id, visit.start) == before
    template = NoteTemplate.objects.get(pk=planted["template"].pk)  # not deleted by the walk
    assert template.assessment == TEMPLATE_TEXT


def test_no_admin_view_or_action_shows_the_front_desk_a_treatment_notes_text(client, planted):
    """The front desk sees every visit, and that a note exists, never what it says."""
    sign_in_as(client, FRONT_DESK, username="desk-tried")
    assert leaks(client, planted, secrets=[NOTE_TEXT, ADDENDUM_TEXT]) == []
    note_page = client.get(reverse("admin:booking_appointment_note", args=[planted["shared"].pk]))
    assert "Treatment note: signed by Marcus Oyelaran" in note_page.content.decode()


def test_the_owner_reads_the_planted_note(client, planted):
    """The other side: the text the others may not read is there, for the owner."""
    sign_in_as(client, OWNER, username="owner-tried")
    page = client.get(reverse("admin:booking_appointment_note", args=[planted["shared"].pk]))
    assert NOTE_TEXT in page.content.decode()
    assert ADDENDUM_TEXT in page.content.decode()


def test_a_therapist_exports_a_shared_patient_with_her_own_visits_only(client, planted, dana):
    sign_in_as(client, THERAPISTS, username="dana", therapist=dana)
    record = planted["dana"].patient
    change = client.get(reverse("admin:booking_patient_change", args=[record.pk]))
    assert "Nothing flagged in any request." in change.content.decode()
    export = client.get(reverse("admin:booking_patient_export", args=[record.pk]))
    visits = json.loads(export.content)["visits"]
    assert [visit["reference"] for visit in visits] == [planted["dana"].reference]


def test_the_front_desk_sees_both_therapists_visits_of_the_record(client, planted):
    """The other side of the rule: what the therapist may not see is really there."""
    sign_in_as(client, FRONT_DESK, username="desk-user")
    record = planted["shared"].patient
    change = client.get(reverse("admin:booking_patient_change", args=[record.pk])).content.decode()
    assert MARCUS_ANSWER in change
    export = client.get(reverse("admin:booking_patient_export", args=[record.pk]))
    assert MARCUS_REASON in export.content.decode()
