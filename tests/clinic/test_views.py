from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from tests.factories import ServiceFactory, SpecialtyFactory, TherapistFactory
from tests.html import booking_links, head_metadata

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(clinic):
    back_pain = SpecialtyFactory(name="Low back pain", slug="low-back-pain")
    dana = TherapistFactory(
        name="Dana Whitfield", slug="dana-whitfield", credentials="RMT", specialties=[back_pain]
    )
    kenji = TherapistFactory(name="Kenji Tanaka", slug="kenji", accepting_new_patients=False)
    retired = TherapistFactory(name="Retired Person", slug="retired", is_active=False)
    deep = ServiceFactory(
        name="Deep tissue massage", slug="deep-tissue", price="115.00", therapists=[dana, retired]
    )
    follow_up = ServiceFactory(
        name="Follow-up", slug="follow-up", new_patients_allowed=False, therapists=[kenji]
    )
    old = ServiceFactory(name="Hot towel wrap", slug="hot-towel", is_active=False)
    return {
        "dana": dana,
        "kenji": kenji,
        "retired": retired,
        "deep": deep,
        "follow_up": follow_up,
        "old": old,
    }


def test_home_introduces_the_clinic_services_team_and_how_to_book(client, team, clinic):
    response = client.get(reverse("clinic:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Test Clinic" in page
    assert "Deep tissue massage" in page
    assert "Dana Whitfield, RMT" in page
    assert "Retired Person" not in page
    assert "Hot towel wrap" not in page
    assert reverse("booking:start") in page
    assert 'href="tel:+14165550100"' in page
    assert "Monday–Friday: 9:00–17:00" in page


def test_therapist_list_shows_active_therapists_only(client, team):
    page = client.get(reverse("clinic:therapist_list")).content.decode()
    assert "Dana Whitfield" in page
    assert "Kenji Tanaka" in page
    assert "Not taking new patients right now." in page
    assert "Retired Person" not in page


def test_therapist_page_shows_profile_specialties_and_services(client, team):
    response = client.get(team["dana"].get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dana Whitfield, RMT" in page
    assert "Low back pain" in page
    assert "English, French" in page
    assert "Deep tissue massage" in page
    assert {"therapist": "dana-whitfield"} in [flow for href, flow in booking_links(page)]


def test_service_list_shows_length_price_and_returning_only_note(client, team):
    page = client.get(reverse("clinic:service_list")).content.decode()
    assert "Deep tissue massage" in page
    assert "60 minutes" in page
    assert "$115.00" in page
    assert "For returning patients" in page
    assert "Hot towel wrap" not in page


def test_service_page_lists_only_active_therapists_who_offer_it(client, team):
    page = client.get(team["deep"].get_absolute_url()).content.decode()
    assert "Dana Whitfield" in page
    assert "Retired Person" not in page
    assert {"service": team["deep"].pk} in [flow for href, flow in booking_links(page)]


def test_returning_only_service_says_so_on_its_page(client, team):
    page = client.get(team["follow_up"].get_absolute_url()).content.decode()
    assert "This service is for returning patients" in page


@pytest.mark.parametrize(
    ("url_name", "key"),
    [("clinic:therapist_detail", "retired"), ("clinic:service_detail", "old")],
)
def test_inactive_therapists_and_services_are_not_found(client, team, url_name, key):
    response = client.get(reverse(url_name, args=[team[key].slug]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_about_page_has_address_phone_email_hours_and_directions(client, clinic):
    page = client.get(reverse("clinic:about")).content.decode()
    for text in ("1 Main Street", "+1 416-555-0100", "desk@test-clinic.example", "Take the subway"):
        assert text in page
    assert "America/Toronto" in page


def test_every_page_has_its_own_description_canonical_url_and_open_graph_tags(client, team):
    head = head_metadata(client.get(team["deep"].get_absolute_url()).content.decode())
    assert head["description"] == "Firm pressure for tight muscles."
    assert head["link:canonical"] == "http://testserver/services/deep-tissue/"
    assert head["og:url"] == head["link:canonical"]
    assert head["og:title"] == "Deep tissue massage · Test Clinic"
    assert head["link:icon"].endswith("favicon.svg")
    home = head_metadata(client.get(reverse("clinic:home")).content.decode())
    assert home["description"] == "Massage therapy for back pain."


def test_unknown_pages_get_the_branded_not_found_page(client, clinic):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert "Test Clinic" in page


def test_server_errors_get_the_branded_error_page(clinic):
    client = Client(raise_request_exception=False)
    with mock.patch("clinic.views.HomeView.get_context_data", side_effect=RuntimeError("boom")):
        response = client.get(reverse("clinic:home"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_booking_placeholder_tells_patients_how_to_reach_the_front_desk(client, clinic):
    page = client.get(reverse("booking:start")).content.decode()
    assert "Request an appointment" in page
    assert "+1 416-555-0100" in page


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client, clinic):
    response = client.get(reverse("robots_txt"))
    assert response["Content-Type"] == "text/plain"
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_favicon_ico_leads_to_the_clinic_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_health_check_reports_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "static": "ok", "worker": "ok"}


def test_health_check_answers_head_requests_from_load_balancers(client):
    response = client.head(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_health_check_reports_503_when_the_database_is_down(client):
    with mock.patch("clinic.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_health_check_fails_without_the_static_manifest(client, settings, tmp_path):
    """Production after a collectstatic that never ran: every page would answer 500."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    staticfiles_storage._setup()
    try:
        response = client.get(reverse("healthz"))
    finally:
        del settings.STORAGES
        staticfiles_storage._setup()
    assert response.status_code == 503
    assert response.json()["static"] == "missing manifest: run collectstatic"


@pytest.mark.django_db
def test_health_check_fails_when_queued_emails_are_overdue(client, settings):
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get(reverse("healthz")).status_code == 200  # nothing queued
    DBTaskResult.objects.create(
        status="READY", task_path="booking.tasks.send_notification", args_kwargs={"args": [], "kwargs": {}},
        run_after=timezone.now() - datetime.timedelta(minutes=30), backend_name="default",
        exception_class_path="", traceback="",
    )  # fmt: skip
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["worker"] == "emails overdue: is the worker running?"


def test_the_benchmark_ceilings_are_not_part_of_a_clinics_site(client, clinic):
    # bench/views.py is routed only when bench/run.py sets DJANGO_BENCH_VIEWS.
    assert client.get("/bench/ok").status_code == 404
