import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent
from booking.rules.services import first_clash

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days_ahead", range(7))
def test_the_demo_books_through_the_rules_on_any_day_of_the_week(days_ahead):
    """The demo's calendar used to be written by hand and could double-book a therapist on
    some days; booked through the services, it holds on every weekday."""
    day = timezone.now() + datetime.timedelta(days=days_ahead)
    with time_machine.travel(day, tick=False):
        call_command("load_demo", password="demo-pass-1")
    appointments = list(Appointment.objects.active())
    assert len(appointments) == 4
    assert [first_clash(appointment) for appointment in appointments] == [None] * 4
    assert {a.status for a in appointments} == {"requested", "confirmed"}
    confirmed = Appointment.objects.filter(status="confirmed")
    assert all(
        a.events.filter(action=AppointmentEvent.Action.CONFIRMED).exists() for a in confirmed
    )
