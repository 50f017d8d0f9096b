import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from booking.models import Appointment
from booking.rules import services
from clinic.models import Clinic
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def front_desk(client, booking_clinic):
    user = UserFactory(username="frontdesk", first_name="Jordan", last_name="Lee")
    user.groups.add(Group.objects.get(name="Front desk"))
    client.force_login(user)
    return user


@pytest.fixture
def requested(massage, dana, monday, booking_clinic, patient):
    appointment = services.request_appointment(
        service=massage,
        therapist=dana,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )
    mail.outbox.clear()
    return appointment


def change_url(appointment):
    return reverse("admin:booking_appointment_change", args=[appointment.pk])


def test_the_list_shows_clinic_time_patient_service_therapist_status_and_flag(
    client, front_desk, requested, monday
):
    response = client.get(reverse("admin:booking_appointment_changelist"))
    page = response.content.decode()
    assert f"{monday:%A, %B} {monday.day}, {monday.year}, 10:00 AM" in page
    for text in (
        "Avery Chen",
        "Deep tissue massage",
        "Dana Whitfield",
        "Requested",
        requested.reference,
    ):
        assert text in page
    assert "Check screening" in page  # the health flag
    assert 'alt="True"' not in page
    assert 'alt="False"' not in page


def test_only_flagged_screenings_get_a_marker_in_the_list(
    client, front_desk, requested, massage, marcus, monday, booking_clinic, patient
):
    patient.screening = {}
    unflagged = services.request_appointment(
        service=massage,
        therapist=marcus,
        start=at(monday, "11:00", booking_clinic.zone),
        patient=patient,
    )
    page = client.get(reverse("admin:booking_appointment_changelist")).content.decode()
    rows = {
        appointment.reference: row
        for appointment in (requested, unflagged)
        for row in page.split("<tr")
        if appointment.reference in row
    }
    assert "Check screening" in rows[requested.reference]
    assert "Check screening" not in rows[unflagged.reference]


@pytest.mark.parametrize("query", ["Avery", "avery@example.com", "5550101", "REF"])
def test_staff_find_appointments_by_name_email_phone_or_reference(
    client, front_desk, requested, query
):
    query = requested.reference if query == "REF" else query
    response = client.get(reverse("admin:booking_appointment_changelist"), {"q": query})
    assert requested.reference in response.content.decode()


def test_filters_by_status_therapist_service_and_date(client, front_desk, requested, dana):
    url = reverse("admin:booking_appointment_changelist")
    for params in (
        {"status__exact": "requested"},
        {"therapist__id__exact": dana.pk},
        {"start__gte": "2000-01-01 00:00:00+00:00"},
    ):
        assert requested.reference in client.get(url, params).content.decode()
    assert (
        requested.reference not in client.get(url, {"status__exact": "confirmed"}).content.decode()
    )


def test_confirming_from_the_change_page_runs_the_service_and_tells_the_patient(
    client, front_desk, requested
):
    page = client.get(change_url(requested)).content.decode()
    assert "Answer this appointment" in page
    assert "Pregnant — therapist to adapt treatment" in page
    response = client.post(
        reverse("admin:booking_appointment_transition", args=[requested.pk, "confirm"]), follow=True
    )
    requested.refresh_from_db()
    assert requested.status == "confirmed"
    assert (
        f"{requested.reference}: confirmed. The patient is told by email."
        in response.content.decode()
    )
    assert mail.outbox[0].subject == "Your appointment at Test Clinic is confirmed"
    event = requested.events.last()
    assert event.actor == front_desk
    assert "Jordan Lee" in client.get(change_url(requested)).content.decode()


def test_declining_with_a_message_sends_it_to_the_patient(client, front_desk, requested):
    client.post(
        reverse("admin:booking_appointment_transition", args=[requested.pk, "decline"]),
        {"message": "We are full that day; could you try Tuesday?"},
    )
    requested.refresh_from_db()
    assert requested.status == "declined"
    assert "could you try Tuesday?" in mail.outbox[0].body


def test_an_action_that_does_not_apply_gives_a_message_not_an_error(client, front_desk, requested):
    client.post(reverse("admin:booking_appointment_transition", args=[requested.pk, "confirm"]))
    response = client.post(
        reverse("admin:booking_appointment_transition", args=[requested.pk, "decline"]), follow=True
    )
    assert response.status_code == 200
    assert "cannot be declined" in response.content.decode()
    assert (
        client.get(
            reverse("admin:booking_appointment_transition", args=[requested.pk, "confirm"])
        ).status_code
        == 405
    )


def test_list_actions_confirm_many_through_the_service(
    client, front_desk, requested, massage, marcus, monday, booking_clinic, patient
):
    other = services.request_appointment(
        service=massage,
        therapist=marcus,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )
    mail.outbox.clear()
    client.post(
        reverse("admin:booking_appointment_changelist"),
        {"action": "confirm_selected", "_selected_action": [requested.pk, other.pk]},
    )
    assert set(Appointment.objects.values_list("status", flat=True)) == {"confirmed"}
    assert len(mail.outbox) == 2
    assert all(a.events.last().actor == front_desk for a in Appointment.objects.all())


def form_data(appointment, **changes):
    local = appointment.start.astimezone(Clinic.objects.current().zone)
    data = {
        "service": appointment.service_id,
        "therapist": appointment.therapist_id,
        "start_0": local.strftime("%Y-%m-%d"),
        "start_1": local.strftime("%H:%M"),
        "patient_name": appointment.patient_name,
        "patient_email": appointment.patient_email,
        "patient_phone": appointment.patient_phone,
        "is_new_patient": "True",
        "reason": appointment.reason,
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_moving_an_appointment_onto_another_gives_a_form_error_not_an_overlap(
    client, front_desk, requested, massage, dana, monday, booking_clinic, patient
):
    later = services.request_appointment(
        service=massage,
        therapist=dana,
        start=at(monday, "13:00", booking_clinic.zone),
        patient=patient,
    )
    response = client.post(
        change_url(later), form_data(later, start_0=monday.isoformat(), start_1="10:30")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Dana Whitfield is already booked from" in errors["start"][0]
    assert requested.reference in errors["start"][0]
    later.refresh_from_db()
    assert later.start == at(monday, "13:00", booking_clinic.zone)


def test_moving_an_appointment_to_a_free_time_is_saved_and_recorded(
    client, front_desk, requested, monday, booking_clinic
):
    response = client.post(
        change_url(requested), form_data(requested, start_0=monday.isoformat(), start_1="15:00")
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.start == at(monday, "15:00", booking_clinic.zone)
    assert requested.hold_until == requested.start + datetime.timedelta(minutes=75)
    assert requested.events.last().action == "rescheduled"


def test_staff_book_a_caller_directly_and_cannot_double_book(
    client, front_desk, requested, massage, dana, monday
):
    url = reverse("admin:booking_appointment_add")
    data = form_data(
        requested,
        start_0=monday.isoformat(),
        start_1="10:45",
        patient_name="Caller",
        patient_phone="416-555-0177",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already booked" in response.context["adminform"].form.errors["start"][0]
    data["start_1"] = "15:00"
    assert client.post(url, data).status_code == 302
    caller = Appointment.objects.get(patient_name="Caller")
    assert caller.status == "confirmed"
    assert caller.patient_phone == "+14165550177"
    assert caller.events.get().actor == front_desk


def test_a_therapist_sees_only_their_own_day(
    client, requested, dana, marcus, massage, monday, booking_clinic, patient
):
    services.request_appointment(
        service=massage,
        therapist=marcus,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    page = client.get(reverse("admin:booking_appointment_changelist")).content.decode()
    assert requested.reference in page
    assert Appointment.objects.get(therapist=marcus).reference not in page
    assert (
        client.post(
            reverse("admin:booking_appointment_transition", args=[requested.pk, "confirm"])
        ).status_code
        == 403
    )


@pytest.fixture
def unlinked_therapist_account(client, requested):
    """A new account put in the Therapists group before anyone linked it to a profile."""
    user = sign_in_as(client, "Therapists", username="newhire")
    return user


def test_a_therapist_account_without_a_profile_sees_no_appointment(
    client, unlinked_therapist_account, requested
):
    response = client.get(reverse("admin:booking_appointment_changelist"))
    page = response.content.decode()
    assert "0 appointments" in page
    assert requested.reference not in page
    assert requested.patient_phone not in page


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_a_therapist_account_without_a_profile_cannot_open_an_appointment(
    client, unlinked_therapist_account, requested, view
):
    url = reverse(f"admin:booking_appointment_{view}", args=[requested.pk])
    response = client.get(url, follow=True)
    page = response.content.decode()
    assert requested.patient_name not in page
    assert requested.patient_phone not in page
    assert "doesn’t exist" in page or response.status_code in (403, 404)


def test_a_therapist_cannot_open_another_therapists_appointment(
    client, requested, marcus, booking_clinic
):
    sign_in_as(client, "Therapists", username="marcus", therapist=marcus)
    page = client.get(change_url(requested), follow=True).content.decode()
    assert "doesn’t exist" in page
    assert requested.patient_phone not in page
    transition = reverse("admin:booking_appointment_transition", args=[requested.pk, "cancel"])
    assert client.post(transition).status_code == 404


def test_view_on_site_never_leads_staff_to_a_patients_private_page(client, front_desk, requested):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Appointment)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, requested.pk]))
    assert response.status_code == 404
    assert requested.access_token not in client.get(change_url(requested)).content.decode()


def test_the_front_desk_links_a_staff_account_to_a_therapist_profile(client, front_desk, dana):
    newhire = UserFactory(username="newhire", is_staff=True)
    url = reverse("admin:clinic_therapist_change", args=[dana.pk])
    form = client.get(url).context["adminform"].form
    assert newhire in form.fields["user"].queryset
    data = {
        key: value
        for key, value in form.initial.items()
        if key != "photo" and value is not None and not isinstance(value, (list, tuple))
    }
    data.update(
        {
            "user": newhire.pk,
            "specialties": [],
            "working_hours-TOTAL_FORMS": 0,
            "working_hours-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dana.refresh_from_db()
    assert dana.user == newhire
