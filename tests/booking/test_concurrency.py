"""Many patients asking for the same time at the same moment: exactly one gets it."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, close_old_connections, connection, connections, transaction

from booking.models import Appointment
from booking.rules import services
from tests.booking.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

CONTENDERS = 12


def race(target, contenders=CONTENDERS):
    """Run `target` in many threads released together; return each one's outcome."""
    barrier = threading.Barrier(contenders)
    outcomes = [None] * contenders

    def run(index):
        close_old_connections()
        try:
            barrier.wait()
            outcomes[index] = target(index)
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(contenders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, time.perf_counter() - started


def test_concurrent_requests_for_one_slot_give_exactly_one_appointment(
    massage, dana, monday, booking_clinic, patient
):
    start = at(monday, "10:00", booking_clinic.zone)

    def ask(index):
        patient.name = f"Patient {index}"
        return services.request_appointment(
            service=massage, therapist=dana, start=start, patient=patient
        )

    outcomes, seconds = race(ask)
    winners = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, services.SlotUnavailable)]
    print(
        f"\n{connection.vendor}: {CONTENDERS} concurrent requests, {len(winners)} booked, {len(refused)} refused, {seconds:.2f}s"
    )
    assert len(winners) == 1
    assert len(refused) == CONTENDERS - 1, [
        o for o in outcomes if not isinstance(o, (Appointment, services.SlotUnavailable))
    ]
    assert Appointment.objects.active().count() == 1
    assert str(refused[0]) == "That time was just taken. Please choose another time."


def test_concurrent_requests_for_overlapping_times_never_overlap(
    massage, dana, monday, booking_clinic, patient
):
    """Starts 15 minutes apart all overlap one another's hold: still only one may win."""
    base = at(monday, "13:00", booking_clinic.zone)

    def ask(index):
        start = base + datetime.timedelta(minutes=15 * (index % 4))
        return services.request_appointment(
            service=massage, therapist=dana, start=start, patient=patient
        )

    outcomes, _ = race(ask, contenders=8)
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    assert all(isinstance(o, (Appointment, services.SlotUnavailable)) for o in outcomes)


@pytest.mark.postgres
def test_postgresql_itself_refuses_overlapping_active_appointments(
    massage, dana, monday, booking_clinic
):
    start = at(monday, "10:00", booking_clinic.zone)

    def insert(begin, status="requested"):
        end = begin + datetime.timedelta(minutes=60)
        return Appointment.objects.create(
            service=massage, therapist=dana, start=begin, end=end, hold_until=end + datetime.timedelta(minutes=15),
            status=status, patient_name="P", patient_email="p@example.com", patient_phone="+14165550100",
        )  # fmt: skip

    insert(start)
    with (
        pytest.raises(IntegrityError, match="appointment_no_overlapping_holds"),
        transaction.atomic(),
    ):
        insert(start + datetime.timedelta(minutes=70))  # inside the first one's buffer
    insert(start + datetime.timedelta(minutes=75))  # right after the buffer: fine
    insert(start, status="cancelled")  # inactive appointments hold nothing
    insert(start - datetime.timedelta(hours=3), status="arrived")  # arrived holds its time
    with (
        pytest.raises(IntegrityError, match="appointment_no_overlapping_holds"),
        transaction.atomic(),
    ):
        insert(start - datetime.timedelta(hours=2, minutes=30))


@pytest.mark.postgres
def test_a_request_caught_in_a_deadlock_is_told_the_time_was_taken_not_shown_an_error(
    massage, dana, monday, booking_clinic, patient
):
    """Forces the deadlock seen under load: two transactions each insert a hold and then wait,
    while checking the exclusion constraint, for the other's. The other transaction waits
    longer before it looks for deadlocks, so PostgreSQL aborts the patient's request."""
    zone = booking_clinic.zone
    other_inserted, patient_waiting = threading.Event(), threading.Event()

    def hold(begin):
        end = begin + datetime.timedelta(minutes=60)
        return Appointment.objects.create(
            service=massage, therapist=dana, start=begin, end=end, hold_until=end + datetime.timedelta(minutes=15),
            patient_name="Caller", patient_email="c@example.com", patient_phone="+14165550100",
        )  # fmt: skip

    def other_transaction():
        close_old_connections()
        try:
            with transaction.atomic():
                connection.cursor().execute("SET LOCAL deadlock_timeout = '20s'")
                hold(at(monday, "10:00", zone))  # holds until 11:15
                other_inserted.set()
                patient_waiting.wait(timeout=10)
                time.sleep(0.3)  # let the patient's insert start waiting on this one
                hold(at(monday, "11:15", zone))  # overlaps the patient's 10:30-11:45
        finally:
            connections.close_all()

    def patients_request():
        close_old_connections()
        try:
            other_inserted.wait(timeout=10)
            patient_waiting.set()
            return services.request_appointment(
                service=massage, therapist=dana, start=at(monday, "10:30", zone), patient=patient
            )
        except Exception as error:
            return error
        finally:
            connections.close_all()

    other = threading.Thread(target=other_transaction)
    other.start()
    outcome = [None]
    mine = threading.Thread(target=lambda: outcome.__setitem__(0, patients_request()))
    mine.start()
    mine.join(timeout=60)
    other.join(timeout=60)
    assert isinstance(outcome[0], services.SlotUnavailable), repr(outcome[0])
    assert str(outcome[0]) == "That time was just taken. Please choose another time."
    assert list(Appointment.objects.values_list("patient_name", flat=True)) == ["Caller", "Caller"]
