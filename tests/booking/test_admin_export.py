import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from booking.rules import services
from tests.booking.conftest import at
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:booking_appointment_export")


@pytest.fixture
def booked(massage, dana, marcus, monday, booking_clinic, patient, front_desk_user):
    zone = booking_clinic.zone
    patient.name = '=HYPERLINK("https://evil.example")'
    first = services.request_appointment(service=massage, therapist=dana, start=at(monday, "10:00", zone), patient=patient)  # fmt: skip
    patient.name = "Sam Patel"
    second = services.request_appointment(service=massage, therapist=marcus, start=at(monday, "14:00", zone), patient=patient)  # fmt: skip
    services.confirm_appointment(appointment=second, by=front_desk_user)
    return first, second


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_follows_the_lists_filters_and_includes_health_for_the_front_desk(
    client, front_desk_user, booked
):
    client.force_login(front_desk_user)
    everything = rows(client.get(EXPORT))
    assert [row["Reference"] for row in everything] == [a.reference for a in booked]
    confirmed = rows(client.get(EXPORT, {"status__exact": "confirmed"}))
    assert [row["Patient"] for row in confirmed] == ["Sam Patel"]
    assert confirmed[0]["Screening"] == "Pregnant"
    assert confirmed[0]["Reason"] == "Sore lower back after moving house"
    # What a patient typed cannot become a spreadsheet formula.
    assert everything[0]["Patient"].startswith("'=HYPERLINK")


def test_without_the_health_permission_the_export_has_no_health_columns(client, booked):
    user = UserFactory(username="reception")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_appointment", "view_all_appointments"])
    )
    client.force_login(user)
    exported = rows(client.get(EXPORT))
    assert len(exported) == 2
    assert "Reason" not in exported[0]
    assert "Screening" not in exported[0]


def test_a_therapist_exports_only_her_own_appointments(client, booked, dana):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    assert [row["Reference"] for row in rows(client.get(EXPORT))] == [booked[0].reference]


def test_the_list_links_to_the_export_with_its_filters(client, front_desk_user, booked):
    client.force_login(front_desk_user)
    page = client.get(
        reverse("admin:booking_appointment_changelist"), {"status__exact": "confirmed"}
    ).content.decode()
    assert f'href="{EXPORT}?status__exact=confirmed"' in page
