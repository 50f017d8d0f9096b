"""Dana keeps a note template, opens this morning's visit from her day list, starts its treatment
note from the template, writes, signs and amends it, in Chromium at 1366 px on the demo data
with the time frozen; the front desk then opens the same page and reads that the note exists,
never what it says."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from booking.models import Appointment, Patient, TreatmentNote, TreatmentNoteRead
from clinic.models import Clinic, Therapist
from tests.browser.conftest import assert_accessible
from tests.browser.staff import ADMIN, desk_at, docs_screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.date(2027, 2, 2)  # a Tuesday; the demo books its visits from two days later
NOTE = {
    "Subjective": "Low back ache 6/10 after moving house, worse sitting.",
    "Objective / assessment": "Hypertonic left quadratus lumborum; flexion limited by pain.",
    "Areas treated": "Lumbar spine, left hip",
    "Techniques": "Myofascial release, trigger point",
    "Pressure": "Moderate",
    "The patient's response": "Ache 3/10 after; moved more freely.",
    "Plan": "Review in two weeks; hip stretches daily.",
}
ADDENDUM = "Phoned two days later: ache gone, stretches going well."
# Her own wording for a first low-back visit: part of the note above, the rest left to write.
TEMPLATE = {
    "Name": "Low back, first visit",
    "Objective / assessment": "Palpation: ",
    "Techniques": NOTE["Techniques"],
    "Pressure": NOTE["Pressure"],
    "Plan": NOTE["Plan"],
}


def this_mornings_visit():
    """A visit of Dana's that ended this morning, for a patient of the demo's kind."""
    zone = Clinic.objects.current().zone
    dana = Therapist.objects.get(name="Dana Whitfield")
    start = datetime.datetime.combine(DAY, datetime.time(8), tzinfo=zone)
    patient = Patient.objects.create(
        name="Morgan Lee", email="morgan@example.com", phone="+14165550177"
    )
    service = dana.services.first()
    return Appointment.objects.create(
        service=service, therapist=dana, patient=patient, start=start,
        end=start + datetime.timedelta(hours=1), hold_until=start + datetime.timedelta(hours=1),
        status=Appointment.Status.COMPLETED, patient_name=patient.name,
        patient_email=patient.email, patient_phone=patient.phone, is_new_patient=False,
        screening={"pregnancy": True},
    )  # fmt: skip


def test_a_therapist_starts_a_note_from_her_template_signs_and_amends_it_and_the_desk_cannot_read_it(
    browser, live_server
):
    with desk_at(browser, live_server, DAY, datetime.time(10), username="dana") as page:
        visit = this_mornings_visit()
        page.goto(f"/admin/booking/appointment/{visit.pk}/change/")
        expect(page.get_by_text("No treatment note yet.")).to_be_visible()

        page.goto("/admin/booking/notetemplate/add/")
        expect(page.get_by_role("heading", name="Add a note template")).to_be_visible()
        for label, text in TEMPLATE.items():
            page.get_by_label(f"{label}:", exact=True).fill(text)  # the admin's labels end so
        assert_accessible(page)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Note templates", exact=True)).to_be_visible()

        # From her day list, the visit that took place this morning.
        page.goto("/admin/")
        page.get_by_role("link", name="Write note").click()
        expect(page.get_by_role("heading", name="Latest screening answers")).to_be_visible()

        # Signing an empty note is told next to the form, nothing saved.
        page.get_by_role("button", name="Save and sign").click()
        expect(page.get_by_role("alert")).to_contain_text("Write the note before signing it.")
        assert not TreatmentNote.objects.exists()

        # What she typed first stays; the template fills the fields still empty.
        page.get_by_label("Subjective", exact=True).fill(NOTE["Subjective"])
        page.get_by_label("Start from a template").select_option(label=TEMPLATE["Name"])
        page.get_by_role("button", name="Fill the empty fields").click()
        expect(page.get_by_text(f"filled from “{TEMPLATE['Name']}”")).to_be_visible()
        expect(page.get_by_label("Subjective", exact=True)).to_have_value(NOTE["Subjective"])
        expect(page.get_by_label("Techniques", exact=True)).to_have_value(NOTE["Techniques"])
        assert not TreatmentNote.objects.exists()  # nothing saved yet
        assert_accessible(page)
        docs_screenshot(page, "treatment-note-template.png")

        for label in ("Objective / assessment", "Areas treated", "The patient's response"):
            page.get_by_label(label, exact=True).fill(NOTE[label])
        # Enter in a one-line field saves the draft (not the template's button above the note).
        page.get_by_label("Areas treated", exact=True).press("Enter")
        expect(page.get_by_text("Draft saved.")).to_be_visible()
        assert {label: page.get_by_label(label, exact=True).input_value() for label in NOTE} == NOTE
        expect(page.get_by_label("Plan", exact=True)).to_have_value(NOTE["Plan"])
        page.get_by_role("button", name="Save and sign").click()
        expect(page.get_by_text("The note is signed.")).to_be_visible()
        expect(page.get_by_role("heading", name="Signed by Dana Whitfield")).to_be_visible()
        expect(page.get_by_label("Plan", exact=True)).to_have_count(0)  # read-only now
        page.goto("/admin/")
        expect(page.get_by_role("link", name="Note (signed)")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Note (signed)").click()

        page.get_by_role("button", name="Add the addendum").click()
        expect(page.locator("#id_text_error")).to_be_visible()
        page.get_by_label("Add an addendum").fill(ADDENDUM)
        page.get_by_role("button", name="Add the addendum").click()
        expect(page.get_by_text("Addendum added.")).to_be_visible()
        expect(page.locator("#addenda")).to_contain_text(ADDENDUM)
        expect(page.locator("#addenda")).to_contain_text("Dana Whitfield")
        expect(page.locator("#content")).to_contain_text(NOTE["Objective / assessment"])
        assert_accessible(page)
        docs_screenshot(page, "treatment-note.png")
        note = TreatmentNote.objects.get()
        assert note.signed_at is not None
        assert note.assessment == NOTE["Objective / assessment"]

        desk = browser.new_context(viewport=ADMIN, base_url=live_server.url).new_page()
        sign_in(desk, "frontdesk")
        desk.goto(f"/admin/booking/appointment/{visit.pk}/change/")
        expect(desk.get_by_text("Treatment note: signed by Dana Whitfield")).to_be_visible()
        desk.get_by_role("link", name="Treatment note", exact=True).click()
        expect(desk.get_by_text("Treatment note: signed by Dana Whitfield")).to_be_visible()
        body = desk.locator("body").inner_text()
        assert all(text not in body for text in [*NOTE.values(), ADDENDUM])
        assert_accessible(desk)
        # Nor anywhere else she might look: the visit's history, the patient's export, the
        # appointments' CSV, the printable record and the note's address typed in.
        record = visit.patient_id
        for url in [
            f"/admin/booking/appointment/{visit.pk}/history/",
            f"/admin/booking/patient/{record}/history/",
            reverse("admin:booking_patient_export", args=[record]),
            reverse("admin:booking_appointment_export"),
            reverse("admin:booking_appointment_note", args=[visit.pk]),
        ]:
            answer = desk.request.get(url)
            assert answer.ok, url  # she may open each; none says what the note says
            assert all(text not in answer.text() for text in [*NOTE.values(), ADDENDUM]), url
        # The printable record has nothing she may read, so it is not there for her at all.
        printable = reverse("admin:booking_appointment_treatment_record", args=[record])
        assert desk.request.get(printable).status == 404
        assert not TreatmentNoteRead.objects.exists()  # the desk read nothing; Dana is its author
        desk.context.close()
