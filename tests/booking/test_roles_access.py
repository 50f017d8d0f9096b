"""Each role tried against objects that are not its own, by direct URL: nothing leaks."""

import pytest
from django.urls import reverse

from accounts.roles import FRONT_DESK
from booking.rules import services
from tests.booking.conftest import at
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def marcus_visit(massage, marcus, monday, booking_clinic, patient):
    patient.name, patient.phone = "Private Person", "+14165550199"
    return services.request_appointment(
        service=massage, therapist=marcus, start=at(monday, "10:00", booking_clinic.zone), patient=patient
    )  # fmt: skip


def sign_in(client, role, therapist=None):
    return sign_in_as(client, role, username=f"user-{role}".replace(" ", "-"), therapist=therapist)


def test_the_front_desk_cannot_manage_staff_accounts(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_the_owner_role_manages_staff_accounts(client):
    sign_in(client, "Owner")
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Select staff account to change" in page


def test_the_front_desk_sees_every_therapists_visit(client, marcus_visit):
    sign_in(client, FRONT_DESK)
    page = client.get(
        reverse("admin:booking_appointment_change", args=[marcus_visit.pk])
    ).content.decode()
    assert "Private Person" in page
