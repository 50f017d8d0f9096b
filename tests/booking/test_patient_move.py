"""A patient moves their own visit from the emailed link (services.patient_move_appointment)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from booking.rules import services
from tests.booking.conftest import at
from tests.html import booking_links

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def visit(massage, dana, monday, booking_clinic, patient):
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    mail.outbox.clear()
    return visit


def utc(day, clock, clinic):
    return at(day, clock, clinic.zone).astimezone(datetime.UTC)


def test_a_request_moves_and_both_sides_hear_the_old_and_the_new_time(
    visit, monday, booking_clinic
):
    moved = services.patient_move_appointment(
        appointment=visit, start=utc(monday, "14:00", booking_clinic)
    )
    assert moved.start == utc(monday, "14:00", booking_clinic)
    assert moved.status == Appointment.Status.REQUESTED
    event = moved.events.get(action=AppointmentEvent.Action.RESCHEDULED)
    assert event.by_patient
    assert event.previous_start == utc(monday, "10:00", booking_clinic)
    patient_email, clinic_email = sorted(mail.outbox, key=lambda m: m.to[0] != "avery@example.com")
    assert "10:00 AM" in patient_email.body
    assert "2:00 PM" in patient_email.body
    assert clinic_email.subject == f"Appointment {visit.reference} moved by the patient"
    assert "10:00 AM" in clinic_email.body
    assert "Sore lower back" not in clinic_email.body + patient_email.body


def test_a_confirmed_visit_moved_by_the_patient_waits_for_staff_again(
    visit, monday, booking_clinic
):
    services.confirm_appointment(appointment=visit, by=None)
    Appointment.objects.filter(pk=visit.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    moved = services.patient_move_appointment(
        appointment=visit, start=utc(monday, "15:00", booking_clinic)
    )
    assert moved.status == Appointment.Status.REQUESTED
    assert "waiting for you to confirm it again" in mail.outbox[-1].body
    # Its expiry counts from the move, not from the first request three days ago.
    assert services.expire_stale_requests() == []


def test_the_clinic_can_keep_a_moved_visit_confirmed(visit, monday, booking_clinic):
    booking_clinic.patient_moves_stay_confirmed = True
    booking_clinic.save()
    services.confirm_appointment(appointment=visit, by=None)
    moved = services.patient_move_appointment(
        appointment=visit, start=utc(monday, "15:00", booking_clinic)
    )
    assert moved.status == Appointment.Status.CONFIRMED


def test_a_move_to_a_time_just_taken_changes_nothing(
    visit, massage, marcus, dana, monday, booking_clinic, patient
):
    other = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "14:00", booking_clinic.zone),
        patient=patient,
    )  # fmt: skip
    with pytest.raises(services.SlotUnavailable):
        services.patient_move_appointment(appointment=visit, start=other.start)
    assert Appointment.objects.get(pk=visit.pk).start == utc(monday, "10:00", booking_clinic)


def test_a_visit_may_move_to_a_time_overlapping_its_own(visit, monday, booking_clinic):
    moved = services.patient_move_appointment(
        appointment=visit, start=utc(monday, "10:30", booking_clinic)
    )
    assert moved.start == utc(monday, "10:30", booking_clinic)


def test_inside_the_cancellation_notice_only_the_phone_moves_it(visit, monday, booking_clinic):
    services.confirm_appointment(appointment=visit, by=None)
    close = visit.start - datetime.timedelta(hours=booking_clinic.cancellation_notice_hours - 1)
    with pytest.raises(services.MoveTooLate):
        services.patient_move_appointment(
            appointment=visit, start=utc(monday, "14:00", booking_clinic), now=close
        )


def test_the_link_offers_times_then_asks_once_then_moves(client, visit, monday, booking_clinic):
    detail = client.get(visit.patient_url()).content.decode()
    move_url = reverse("booking:move", args=[visit.access_token])
    assert f'href="{move_url}"' in detail
    page = client.get(move_url, {"date": monday.isoformat()}).content.decode()
    assert "Move your appointment" in page
    two_pm = utc(monday, "14:00", booking_clinic)
    link = next(
        href for href, flow in booking_links(page) if flow.get("start") == two_pm.isoformat()
    )
    assert link.startswith(move_url + "?s=")
    confirm = client.get(link).content.decode()
    assert "Move your appointment?" in confirm
    assert re.search(r"<dt>From</dt>\s*<dd>\s*[^<]*10:00 AM", confirm)
    assert re.search(r"<dt>To</dt>\s*<dd>\s*[^<]*2:00 PM", confirm)
    assert Appointment.objects.get(pk=visit.pk).start != two_pm  # looking changes nothing
    sealed = re.search(r'name="s" value="([^"]+)"', confirm).group(1)
    done = client.post(move_url, {"s": sealed}, follow=True)
    assert "Your visit is moved" in done.content.decode()
    assert Appointment.objects.get(pk=visit.pk).start == two_pm


def test_a_taken_time_sends_the_patient_back_to_choose_with_a_message(
    client, visit, massage, dana, monday, booking_clinic, patient
):
    move_url = reverse("booking:move", args=[visit.access_token])
    page = client.get(move_url, {"date": monday.isoformat()}).content.decode()
    two_pm = utc(monday, "14:00", booking_clinic)
    link = next(h for h, f in booking_links(page) if f.get("start") == two_pm.isoformat())
    sealed = re.search(r'name="s" value="([^"]+)"', client.get(link).content.decode()).group(1)
    services.request_appointment(service=massage, therapist=dana, start=two_pm, patient=patient)
    done = client.post(move_url, {"s": sealed}, follow=True)
    assert "That time was just taken" in done.content.decode()
    assert "Move your appointment" in done.content.decode()
    assert Appointment.objects.get(pk=visit.pk).start == utc(monday, "10:00", booking_clinic)


def test_one_link_moves_its_visit_a_few_times_a_day_then_is_told_to_call(
    booking_clinic, massage, dana, monday, patient
):
    from django.core import mail

    from clinic import limiter

    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    mail.outbox.clear()
    moves = limiter.RULES["move"].per_contact_day
    clocks = ["10:30", "13:00", "14:30", "16:00"]
    for clock in clocks[:moves]:
        services.patient_move_appointment(
            appointment=visit, start=at(monday, clock, booking_clinic.zone)
        )
    with pytest.raises(services.RequestLimitReached, match="Please call us"):
        services.patient_move_appointment(
            appointment=visit, start=at(monday, clocks[moves], booking_clinic.zone)
        )
    assert len(mail.outbox) == 2 * moves  # "moved" to the patient and a notice to the desk


def test_a_confirmed_visit_moved_by_the_patient_keeps_the_cancellation_notice(
    booking_clinic, massage, dana, monday, patient
):
    visit = services.request_appointment(
        service=massage, therapist=dana, start=at(monday, "09:00", booking_clinic.zone), patient=patient
    )  # fmt: skip
    services.confirm_appointment(appointment=visit, by=None)
    moved = services.patient_move_appointment(
        appointment=visit, start=at(monday, "13:00", booking_clinic.zone)
    )
    assert moved.status == "requested"  # for the clinic to look at again
    inside_notice = moved.start - datetime.timedelta(
        hours=booking_clinic.cancellation_notice_hours - 1
    )
    assert services.patient_can_cancel(moved, now=inside_notice) is False
