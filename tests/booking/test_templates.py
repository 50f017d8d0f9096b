"""What the booking pages (templates/booking/) show a visitor."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from booking.models import Appointment
from tests.booking.test_views import booked as booked  # a fixture, shared

pytestmark = pytest.mark.django_db


def test_the_service_step_shows_no_template_comment_to_a_visitor(client, massage):
    page = client.get(reverse("booking:start")).content.decode()
    assert massage.name in page
    assert "{#" not in page
    assert "#}" not in page
    assert "CSRF token" not in page


@pytest.mark.parametrize("status", ["requested", "confirmed"])
def test_the_visit_page_offers_moving_exactly_as_long_as_it_says(
    client, booked, booking_clinic, status
):
    Appointment.objects.filter(pk=booked.pk).update(status=status)
    notice = datetime.timedelta(hours=booking_clinic.cancellation_notice_hours)
    last_moment = booked.start - notice
    move = reverse("booking:move", args=[booked.access_token])
    promise = f"until {booking_clinic.cancellation_notice_hours} hours before the visit"
    with time_machine.travel(last_moment - datetime.timedelta(minutes=1), tick=False):
        page = client.get(booked.patient_url()).content.decode()
    assert f'href="{move}"' in page
    assert promise in page
    with time_machine.travel(last_moment + datetime.timedelta(minutes=1), tick=False):
        page = client.get(booked.patient_url()).content.decode()
        assert client.get(move).status_code == 302  # back to the page, which says to call
    assert f'href="{move}"' not in page
    if status == "confirmed":
        assert "too late to cancel online" in page
    else:  # a request can still be withdrawn (it frees the time), but not moved
        assert "too late to move this visit online" in page
        assert reverse("booking:cancel", args=[booked.access_token]) in page
