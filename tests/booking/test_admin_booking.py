"""Booking a caller from the calendar, with the public rules as warnings staff may override."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import THERAPISTS
from booking.models import Appointment
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import ClosureFactory, ServiceFactory
from tests.html import tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

ADD = reverse("admin:booking_appointment_add")


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def caller(service, therapist, day, clock, **changes):
    data = {
        "service": service.pk,
        "therapist": therapist.pk,
        "start_0": day.isoformat(),
        "start_1": clock,
        "patient_name": "Casey Caller",
        "patient_email": "",
        "patient_phone": "416-555-0177",
        "is_new_patient": "True",
        "reason": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def start_errors(response):
    return response.context["adminform"].form.errors.get("start", [])


def test_the_calendars_book_link_prefills_the_therapist_time_and_her_services(
    desk, massage, dana, monday, booking_clinic
):
    ServiceFactory(name="Hot stone", slug="hot-stone")  # offered by nobody here
    start = at(monday, "11:15", booking_clinic.zone)
    form = (
        desk.get(ADD, {"therapist": dana.pk, "start": start.isoformat()}).context["adminform"].form
    )
    assert form.initial["therapist"] == dana.pk
    assert form.initial["start"] == start
    assert list(form.fields["service"].queryset) == [massage]


def test_a_caller_is_booked_confirmed_with_the_screening_read_out_and_no_email(
    desk, massage, dana, monday, front_desk_user
):
    data = caller(massage, dana, monday, "10:45", phone_screening=["pregnancy"])
    response = desk.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    booked = Appointment.objects.get(patient_name="Casey Caller")
    assert booked.status == Appointment.Status.CONFIRMED
    assert booked.screening == {"pregnancy": True}
    assert booked.needs_review
    assert booked.patient_email == ""
    assert booked.events.get().actor == front_desk_user
    assert mail.outbox == []  # no address, so nothing is sent and nothing fails


@pytest.mark.parametrize(
    ("clock", "day_offset", "reason"),
    [
        ("07:00", 0, "it is outside Dana Whitfield's working hours"),
        ("12:15", 0, "it is outside Dana Whitfield's working hours"),  # her lunch break
        ("10:00", 5, "it is outside Dana Whitfield's working hours"),  # a Saturday
        ("10:00", 1, "the clinic is closed that day (Staff training)"),
    ],
)
def test_outside_the_public_rules_staff_are_warned_and_may_book_anyway(
    desk, massage, dana, monday, clock, day_offset, reason
):
    day = monday + datetime.timedelta(days=day_offset)
    ClosureFactory(name="Staff training", start_date=monday + datetime.timedelta(days=1), end_date=monday + datetime.timedelta(days=1))  # fmt: skip
    warned = desk.post(ADD, caller(massage, dana, day, clock))
    assert warned.status_code == 200
    [message] = start_errors(warned)
    assert message.startswith("Patients could not book this time online: ")
    assert reason in message
    assert not Appointment.objects.exists()
    # Nothing typed is lost: the form comes back as it was sent.
    assert warned.context["adminform"].form["patient_name"].value() == "Casey Caller"

    booked = desk.post(ADD, caller(massage, dana, day, clock, outside_rules="on"))
    assert booked.status_code == 302
    assert Appointment.objects.get().status == Appointment.Status.CONFIRMED


def test_short_notice_is_a_warning_too(desk, massage, dana, booking_clinic):
    soon = datetime.datetime.now(booking_clinic.zone) + datetime.timedelta(hours=1)
    response = desk.post(ADD, caller(massage, dana, soon.date(), soon.strftime("%H:%M")))
    assert "less than the 2 hours' notice patients must give" in start_errors(response)[0]


def test_a_time_in_the_past_is_refused_even_when_staff_insist(desk, massage, dana, booking_clinic):
    past = datetime.datetime.now(booking_clinic.zone) - datetime.timedelta(days=1)
    response = desk.post(ADD, caller(massage, dana, past.date(), "10:00", outside_rules="on"))
    assert start_errors(response) == ["This time has passed. Please choose a time from now on."]
    assert not Appointment.objects.exists()


def test_an_overlap_is_refused_even_when_staff_insist_and_names_the_clash(
    desk, massage, dana, monday
):
    assert desk.post(ADD, caller(massage, dana, monday, "10:00")).status_code == 302
    first = Appointment.objects.get()
    response = desk.post(
        ADD, caller(massage, dana, monday, "10:30", patient_name="Second", outside_rules="on")
    )
    [message] = start_errors(response)
    assert "Dana Whitfield is already booked from" in message
    assert first.reference in message
    assert Appointment.objects.count() == 1


def test_a_returning_caller_is_found_and_their_record_fills_the_details(
    desk, massage, dana, monday, booking_clinic, patient
):
    from booking.rules import services

    earlier = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    found = desk.get(
        reverse("admin:autocomplete"),
        {
            "term": "5550101",
            "app_label": "booking",
            "model_name": "appointment",
            "field_name": "patient",
        },
    ).json()
    assert [item["text"] for item in found["results"]] == ["Avery Chen"]
    data = caller(
        massage, dana, monday + datetime.timedelta(days=7), "10:00",
        patient=earlier.patient_id, patient_name="", patient_phone="",
    )  # fmt: skip
    assert desk.post(ADD, data).status_code == 302
    booked = Appointment.objects.get(start__date=monday + datetime.timedelta(days=7))
    assert booked.patient == earlier.patient
    assert (booked.patient_name, booked.patient_phone) == ("Avery Chen", "+14165550101")


def test_someone_new_needs_a_name_and_a_phone(desk, massage, dana, monday):
    response = desk.post(
        ADD, caller(massage, dana, monday, "10:45", patient_name="", patient_phone="")
    )
    errors = response.context["adminform"].form.errors
    assert errors["patient_name"] == ["Enter the caller’s name, or choose their record above."]
    assert errors["patient_phone"] == [
        "Enter a phone number we can call, or choose their record above."
    ]


def test_a_date_centuries_ahead_is_refused_with_a_message_not_an_error(desk, massage, dana):
    response = desk.post(
        ADD, caller(massage, dana, datetime.date(9999, 12, 31), "23:30", outside_rules="on")
    )
    assert response.status_code == 200
    assert start_errors(response) == [
        "That is too far ahead. Please choose a date within ten years."
    ]


def book_for_record(desk, record, service, therapist, day, **changes):
    data = caller(
        service, therapist, day, "10:00",
        patient=record.pk, patient_name="", patient_phone="", **changes,
    )  # fmt: skip
    assert desk.post(ADD, data).status_code == 302
    return Appointment.objects.get(patient=record, start__date=day)


def earlier_visit(massage, dana, monday, booking_clinic, patient, status):
    from booking.rules import services

    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    Appointment.objects.filter(pk=visit.pk).update(status=status)
    return visit.patient


@pytest.mark.parametrize("status", ["arrived", "completed"])
def test_a_caller_picked_from_the_records_after_a_visit_is_booked_as_returning(
    desk, massage, dana, monday, booking_clinic, patient, status
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, status)
    later = monday + datetime.timedelta(days=7)
    booked = book_for_record(desk, record, massage, dana, later, is_new_patient="True")
    assert booked.is_new_patient is False


def test_a_record_whose_visits_never_took_place_is_still_a_new_patient(
    desk, massage, dana, monday, booking_clinic, patient
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "cancelled")
    later = monday + datetime.timedelta(days=7)
    booked = book_for_record(desk, record, massage, dana, later, is_new_patient="")
    assert booked.is_new_patient is True


def test_booking_for_a_returning_record_does_not_start_ticked_as_new(
    desk, massage, dana, monday, booking_clinic, patient
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "completed")
    later = at(monday + datetime.timedelta(days=7), "10:00", booking_clinic.zone)
    form = (
        desk.get(ADD, {"patient": record.pk, "start": later.isoformat()}).context["adminform"].form
    )
    assert form["is_new_patient"].value() is False
    assert desk.get(ADD).context["adminform"].form["is_new_patient"].value() is None


def test_a_free_time_that_breaks_a_rule_opens_with_the_rule_named_and_the_choice_ready(
    desk, massage, dana, monday, booking_clinic
):
    lunch = at(monday, "12:15", booking_clinic.zone)
    response = desk.get(ADD, {"therapist": dana.pk, "start": lunch.isoformat()})
    form = response.context["adminform"].form
    assert form.rule_breaks == ["it is outside Dana Whitfield's working hours"]
    assert form["outside_rules"].value() is True
    page = response.content.decode()
    assert "Patients could not book this time online" in page
    assert "It is outside Dana Whitfield&#x27;s working hours." in page

    # A time that fits the shorter service but not the longer names which one it is about.
    ServiceFactory(name="Long massage", slug="long", duration_minutes=90).therapists.add(dana)
    late = at(monday, "16:00", booking_clinic.zone)
    form = (
        desk.get(ADD, {"therapist": dana.pk, "start": late.isoformat()}).context["adminform"].form
    )
    assert form.rule_breaks == [
        "it is outside Dana Whitfield's working hours (for Long massage — 90 min)"
    ]
    fine = at(monday, "10:00", booking_clinic.zone)
    form = (
        desk.get(ADD, {"therapist": dana.pk, "start": fine.isoformat()}).context["adminform"].form
    )
    assert form.rule_breaks == []
    assert not form["outside_rules"].value()
    assert desk.get(ADD, {"outside_rules": "1"}).context["adminform"].form["outside_rules"].value()


def test_book_again_from_a_record_fills_in_the_person_the_service_and_the_therapist(
    desk, massage, dana, monday, booking_clinic, patient
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "completed")
    form = (
        desk.get(ADD, {"patient": record.pk, "therapist": dana.pk, "service": massage.pk})
        .context["adminform"]
        .form
    )
    assert form["patient"].value() == record.pk
    assert form["service"].value() == massage.pk
    assert form["therapist"].value() == dana.pk
    assert (form["patient_name"].value(), form["patient_phone"].value()) == (
        "Avery Chen",
        "+14165550101",
    )


def test_the_service_list_has_only_her_services_with_their_lengths_and_no_empty_choice(
    desk, massage, dana, marcus, monday, booking_clinic
):
    other = ServiceFactory(name="Hot stone", slug="hot-stone", duration_minutes=45)
    other.therapists.add(marcus)
    start = at(monday, "10:00", booking_clinic.zone)
    page = desk.get(ADD, {"therapist": dana.pk, "start": start.isoformat()}).content.decode()
    service = page[
        page.index('name="service"') : page.index("</select>", page.index('name="service"'))
    ]
    assert f">{massage.name} — {massage.duration_minutes} min</option>" in service
    assert "Hot stone" not in service
    assert '<option value="" selected>Choose a service</option>' in service
    assert not re.search(r"<option[^>]*>\s*</option>", page)  # the HTML validator's error

    # Marcus's service with Dana: refused next to the service, with her name.
    response = desk.post(ADD, caller(other, dana, monday, "10:00"))
    assert response.context["adminform"].form.errors["service"] == [
        "Dana Whitfield does not give that service. The list shows only the services "
        "Dana Whitfield gives."
    ]
    assert not Appointment.objects.exists()


def test_a_caller_without_a_record_must_be_marked_new_or_returning(desk, massage, dana, monday):
    response = desk.post(ADD, caller(massage, dana, monday, "10:00", is_new_patient=""))
    assert response.context["adminform"].form.errors["is_new_patient"] == [
        "Ask whether the caller has been here before, or choose their record above."
    ]
    returning = caller(massage, dana, monday, "10:00", is_new_patient="False")
    assert desk.post(ADD, returning).status_code == 302
    assert Appointment.objects.get().is_new_patient is False


def test_the_form_script_reads_a_record_its_visits_and_last_service(
    desk, massage, dana, monday, booking_clinic, patient
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "confirmed")
    url = reverse("admin:booking_appointment_patient_details", args=[record.pk])
    before_it = desk.get(url, {"before": f"{monday.isoformat()}T08:00"}).json()
    assert before_it == {
        "name": "Avery Chen",
        "email": "avery@example.com",
        "phone": "+14165550101",
        "returning": False,
        "last_service": massage.pk,
    }
    # A confirmed visit before the new one makes the caller returning at it.
    assert desk.get(url, {"before": f"{monday.isoformat()}T11:00"}).json()["returning"] is True
    assert desk.get(url, {"before": "nonsense"}).status_code == 200
    missing = reverse("admin:booking_appointment_patient_details", args=[record.pk + 99])
    assert desk.get(missing).status_code == 404


def test_a_therapist_cannot_read_another_therapists_patient_through_the_form_script(
    client, massage, dana, marcus, monday, booking_clinic, patient
):
    record = earlier_visit(massage, marcus, monday, booking_clinic, patient, "confirmed")
    sign_in_as(client, THERAPISTS, username="dana-login", therapist=dana)
    url = reverse("admin:booking_appointment_patient_details", args=[record.pk])
    response = client.get(url)
    assert response.status_code in (403, 404)
    assert "Avery" not in response.content.decode()


def test_the_list_and_the_form_agree_on_who_is_returning(
    desk, massage, dana, monday, booking_clinic, patient
):
    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "confirmed")
    booked = book_for_record(desk, record, massage, dana, monday + datetime.timedelta(days=7))
    assert booked.is_new_patient is False
    listed = desk.get(reverse("admin:booking_appointment_changelist")).content.decode()
    assert listed.count("Avery Chen (returning)") == 1  # the second visit, not the first


def test_a_visits_page_with_its_history_saves_as_the_browser_sends_it(
    desk, massage, dana, monday, booking_clinic
):
    assert desk.post(ADD, caller(massage, dana, monday, "10:00")).status_code == 302
    booked = Appointment.objects.get()
    url = reverse("admin:booking_appointment_change", args=[booked.pk])
    page = desk.get(url).content.decode()
    assert not re.search(r"<th[^>]*>\s*</th>", page)  # every column of the history is named
    sent = {
        attrs["name"]: attrs.get("value", "")
        for _, attrs in tags(page, "input")
        if attrs.get("name") and attrs.get("type") not in ("submit", "checkbox", "radio")
    }
    sent |= {"service": massage.pk, "therapist": dana.pk, "is_new_patient": "True"}
    assert int(sent["events-TOTAL_FORMS"]) == 1
    assert desk.post(url, sent).status_code == 302


def test_the_form_scripts_read_costs_the_same_for_one_visit_or_many(
    desk, massage, dana, monday, booking_clinic, patient
):
    from booking.rules import services

    record = earlier_visit(massage, dana, monday, booking_clinic, patient, "confirmed")
    url = reverse("admin:booking_appointment_patient_details", args=[record.pk])
    desk.get(url)  # the session and the clinic's cache, as on any request after the first
    counts = []
    for extra in (0, 8):
        for n in range(extra):
            day = monday + datetime.timedelta(days=1 + n % 4)
            services.request_appointment(
                service=massage, therapist=dana, start=at(day, ("09:00", "14:00")[n // 4], booking_clinic.zone),
                patient=patient,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
