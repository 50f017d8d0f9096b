import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from booking.rules import services
from tests.booking.conftest import at
from tests.factories import ServiceFactory, UserFactory

# Emails wait for the commit, as they do after a real request: `commits` (tests/conftest.py)
# ends the code's transactions the way real ones end.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def staff(db):
    return UserFactory(username="frontdesk", first_name="Jordan")


@pytest.fixture
def ten(booking_clinic, monday):
    return at(monday, "10:00", booking_clinic.zone)


def request(massage, therapist, start, patient, **kwargs):
    return services.request_appointment(
        service=massage, therapist=therapist, start=start, patient=patient, **kwargs
    )


def test_a_request_holds_the_time_at_once_with_its_buffer(
    massage, dana, ten, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = request(massage, dana, ten, patient)
    assert appointment.status == Appointment.Status.REQUESTED
    assert appointment.end - appointment.start == datetime.timedelta(minutes=60)
    assert appointment.hold_until - appointment.end == datetime.timedelta(minutes=15)
    assert appointment.needs_review is True
    assert appointment.screening == {"pregnancy": True}
    assert appointment.consent_at is not None
    assert len(appointment.reference) == 8
    assert len(appointment.access_token) >= 40
    assert [e.action for e in appointment.events.all()] == ["requested"]
    assert appointment.events.get().by_patient
    # The patient and the clinic's inbox are told, once the transaction has committed.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "avery@example.com",
        "desk@test-clinic.example",
    ]


@pytest.mark.django_db
def test_emails_are_sent_only_after_the_commit(
    massage, dana, ten, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request(massage, dana, ten, patient)
    assert mail.outbox == []
    # The two emails, settling waitlist offers of this time, and the calendar's version.
    assert len(callbacks) == 4


def test_a_taken_time_is_refused_with_a_clear_error(massage, dana, ten, patient):
    request(massage, dana, ten, patient)
    with pytest.raises(services.SlotUnavailable, match="That time was just taken"):
        request(massage, dana, ten + datetime.timedelta(minutes=30), patient)
    # The buffer counts: 11:00 starts inside the first visit's turnover.
    with pytest.raises(services.SlotUnavailable):
        request(massage, dana, ten + datetime.timedelta(minutes=60), patient)
    assert Appointment.objects.count() == 1


def test_any_therapist_gets_the_first_one_free(massage, dana, marcus, ten, patient):
    first = request(massage, None, ten, patient)
    second = request(massage, None, ten, patient)
    assert {first.therapist, second.therapist} == {dana, marcus}
    with pytest.raises(services.SlotUnavailable):
        request(massage, None, ten, patient)


def test_times_outside_working_hours_or_off_the_grid_are_refused(
    massage, dana, monday, booking_clinic, patient
):
    for clock in ("07:00", "12:15", "10:07"):
        with pytest.raises(services.SlotUnavailable):
            request(massage, dana, at(monday, clock, booking_clinic.zone), patient)


def test_new_patients_cannot_book_a_returning_only_service(dana, ten, patient):
    follow_up = ServiceFactory(new_patients_allowed=False, therapists=[dana])
    with pytest.raises(services.BookingError, match="is for returning patients"):
        request(follow_up, dana, ten, patient)
    patient.is_new_patient = False
    assert request(follow_up, dana, ten, patient).status == "requested"


def test_confirming_records_who_did_it_and_tells_the_patient(massage, dana, ten, patient, staff):
    appointment = request(massage, dana, ten, patient)
    mail.outbox.clear()
    services.confirm_appointment(appointment=appointment, by=staff)
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    event = appointment.events.last()
    assert (event.action, event.actor) == ("confirmed", staff)
    assert mail.outbox[0].subject == "Your appointment at Test Clinic is confirmed"


def test_declining_releases_the_time_and_passes_on_the_message(massage, dana, ten, patient, staff):
    appointment = request(massage, dana, ten, patient)
    mail.outbox.clear()
    services.decline_appointment(
        appointment=appointment, by=staff, message="Dana is away that week."
    )
    assert "Dana is away that week." in mail.outbox[0].body
    assert request(massage, dana, ten, patient).status == "requested"


@pytest.mark.parametrize("status", ["declined", "cancelled", "expired", "completed", "no_show"])
def test_finished_appointments_cannot_be_confirmed(massage, dana, ten, patient, staff, status):
    appointment = request(massage, dana, ten, patient)
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    with pytest.raises(services.InvalidTransition, match="cannot be confirmed"):
        services.confirm_appointment(appointment=appointment, by=staff)


def test_patients_may_cancel_until_the_notice_period_and_staff_at_any_time(
    massage, dana, ten, patient, staff
):
    appointment = request(massage, dana, ten, patient)
    late = ten - datetime.timedelta(hours=23)
    # A request not yet confirmed can be withdrawn until the visit, but not moved...
    assert services.patient_can_cancel(appointment, now=late)
    assert services.patient_can_move(appointment, now=late) is False
    # ...and once confirmed, the clinic's cancellation notice applies to both.
    services.confirm_appointment(appointment=appointment, by=staff)
    appointment.refresh_from_db()
    assert services.patient_can_cancel(appointment, now=late) is False
    with pytest.raises(services.CancellationTooLate, match="call the clinic"):
        services.cancel_appointment(appointment=appointment, now=late)
    assert services.patient_can_cancel(appointment, now=ten - datetime.timedelta(hours=25))
    services.cancel_appointment(
        appointment=appointment, by=staff, message="Clinic closed for repairs."
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.events.last().actor == staff


def test_a_patient_cancellation_is_recorded_as_the_patient(massage, dana, ten, patient):
    appointment = request(massage, dana, ten, patient)
    services.cancel_appointment(appointment=appointment, now=ten - datetime.timedelta(days=2))
    event = appointment.events.last()
    assert event.by_patient
    assert event.actor_display == "Patient"


def test_unanswered_requests_expire_and_free_their_time(
    massage, dana, ten, patient, booking_clinic, staff
):
    stale = request(massage, dana, ten, patient)
    answered = request(massage, dana, ten + datetime.timedelta(hours=4), patient)
    services.confirm_appointment(appointment=answered, by=staff)
    Appointment.objects.update(
        created_at=ten - datetime.timedelta(days=3), requested_at=ten - datetime.timedelta(days=3)
    )
    mail.outbox.clear()
    expired = services.expire_stale_requests(now=ten - datetime.timedelta(days=1))
    assert [a.pk for a in expired] == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == "expired"
    assert mail.outbox[0].to == ["avery@example.com"]
    assert request(massage, dana, ten, patient).status == "requested"


def test_staff_booking_is_confirmed_and_refuses_an_overlap(massage, dana, ten, staff):
    def phone_booking(start):
        return Appointment(
            service=massage,
            therapist=dana,
            start=start,
            patient_name="Caller",
            patient_email="caller@example.com",
            patient_phone="+14165550199",
        )

    booked = services.book_by_staff(appointment=phone_booking(ten), by=staff)
    assert booked.status == "confirmed"
    assert booked.events.get().action == AppointmentEvent.Action.BOOKED
    with pytest.raises(services.SlotUnavailable, match="already booked"):
        services.book_by_staff(
            appointment=phone_booking(ten + datetime.timedelta(minutes=45)), by=staff
        )


def test_moving_an_appointment_onto_another_is_refused(massage, dana, ten, patient, staff):
    first = request(massage, dana, ten, patient)
    second = request(massage, dana, ten + datetime.timedelta(hours=3), patient)
    second.start = ten + datetime.timedelta(minutes=15)
    with pytest.raises(services.SlotUnavailable):
        services.reschedule_appointment(appointment=second, by=staff)
    second.refresh_from_db()
    second.start = ten + datetime.timedelta(hours=5)
    services.reschedule_appointment(appointment=second, by=staff)
    assert second.events.last().action == "rescheduled"
    assert first.pk != second.pk


def test_the_expire_requests_command_expires_stale_requests(massage, dana, ten, patient):
    stale = request(massage, dana, ten, patient)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Appointment.objects.update(created_at=two_days_ago, requested_at=two_days_ago)
    output = io.StringIO()
    call_command("expire_requests", stdout=output)
    stale.refresh_from_db()
    assert stale.status == "expired"
    assert f"Expired {stale.reference}" in output.getvalue()
    assert "Avery" not in output.getvalue()


def test_any_therapist_never_gives_a_new_patient_someone_not_taking_new_patients(
    massage, dana, marcus, ten, patient
):
    first_by_id = min([dana, marcus], key=lambda t: t.pk)
    first_by_id.accepting_new_patients = False
    first_by_id.save()
    appointment = request(massage, None, ten, patient)
    assert appointment.therapist != first_by_id


def test_a_visit_is_marked_completed_or_no_show_only_once_it_has_started(
    massage, dana, ten, patient, staff
):
    appointment = request(massage, dana, ten, patient)
    services.confirm_appointment(appointment=appointment, by=staff)
    with pytest.raises(services.InvalidTransition, match="has not started yet"):
        services.mark_completed(appointment=appointment, by=staff)
    with pytest.raises(services.InvalidTransition, match="has not started yet"):
        services.mark_no_show(appointment=appointment, by=staff)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() - datetime.timedelta(hours=2),
        end=timezone.now() - datetime.timedelta(hours=1),
        hold_until=timezone.now() - datetime.timedelta(minutes=45),
    )
    assert services.mark_completed(appointment=appointment, by=staff).status == "completed"


def test_a_request_whose_visit_has_passed_expires_and_cannot_be_confirmed(
    massage, dana, ten, patient, staff
):
    appointment = request(massage, dana, ten, patient)
    past = timezone.now() - datetime.timedelta(hours=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=past,
        end=past + datetime.timedelta(minutes=60),
        hold_until=past + datetime.timedelta(minutes=75),
    )
    with pytest.raises(services.InvalidTransition, match="has started"):
        services.confirm_appointment(appointment=appointment, by=staff)
    assert [a.pk for a in services.expire_stale_requests()] == [appointment.pk]


def test_moving_across_a_clock_change_keeps_the_real_length(
    massage, dana, staff, booking_clinic, patient
):
    """Staff enter times in clinic time; the visit still lasts 60 real minutes over the change."""
    zone = booking_clinic.zone
    night = datetime.datetime(2027, 11, 7, 1, 30, tzinfo=zone)  # clocks go back at 02:00
    appointment = request(massage, dana, at(datetime.date(2026, 12, 7), "10:00", zone), patient)
    appointment.start = night
    services.reschedule_appointment(appointment=appointment, by=staff)
    appointment.refresh_from_db()
    assert appointment.end - appointment.start == datetime.timedelta(minutes=60)
    assert appointment.hold_until - appointment.end == datetime.timedelta(minutes=15)


def test_moving_an_appointment_tells_the_patient_the_new_time(massage, dana, ten, patient, staff):
    appointment = request(massage, dana, ten, patient)
    mail.outbox.clear()
    appointment.start = ten + datetime.timedelta(hours=4)
    services.reschedule_appointment(appointment=appointment, by=staff)
    message = mail.outbox[0]
    assert message.subject == "Your appointment at Test Clinic has a new time"
    assert "2:00 PM" in message.body
    assert message.attachments[0][0] == "appointment.ics"


def test_day_before_reminders_go_once_to_confirmed_visits_only(
    massage, dana, marcus, ten, patient, staff
):
    confirmed = request(massage, dana, ten, patient)
    services.confirm_appointment(appointment=confirmed, by=staff)
    request(massage, marcus, ten, patient)  # still a request: no reminder
    mail.outbox.clear()
    too_early = ten - datetime.timedelta(hours=30)
    assert services.send_due_reminders(now=too_early) == []
    day_before = ten - datetime.timedelta(hours=20)
    assert [a.pk for a in services.send_due_reminders(now=day_before)] == [confirmed.pk]
    assert services.send_due_reminders(now=day_before + datetime.timedelta(minutes=15)) == []
    assert [m.subject for m in mail.outbox] == ["Reminder: your appointment at Test Clinic"]
    assert mail.outbox[0].to == ["avery@example.com"]


def test_the_send_reminders_command_reports_references_only(
    massage, dana, patient, staff, booking_clinic
):
    tomorrow = timezone.now() + datetime.timedelta(hours=20)
    start = tomorrow.replace(minute=0, second=0, microsecond=0)
    appointment = Appointment.objects.create(
        service=massage, therapist=dana, start=start, end=start + datetime.timedelta(hours=1),
        hold_until=start + datetime.timedelta(minutes=75), status="confirmed",
        patient_name="Avery Chen", patient_email="avery@example.com", patient_phone="+14165550101",
    )  # fmt: skip
    output = io.StringIO()
    call_command("send_reminders", stdout=output)
    assert f"Reminded {appointment.reference}" in output.getvalue()
    assert "Avery" not in output.getvalue()
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None


@pytest.mark.parametrize("command", ["send_reminders", "expire_requests"])
def test_commands_that_email_patients_refuse_a_backend_that_sends_nothing(settings, command):
    from django.core.management import CommandError

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    with pytest.raises(CommandError, match="would not really send email"):
        call_command(command)
    call_command(command, allow_unsent_email=True, stdout=io.StringIO())  # trying it out
