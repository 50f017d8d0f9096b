"""Booking pages kept for anonymous visitors (clinic/page_cache.py): the therapist and time
steps are rendered once and served again until an appointment or a clinic record changes, or the
clock alone would change them (the first time shown comes inside the notice, or the date turns)."""

import contextlib
import datetime

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.rules import availability, services
from clinic import page_cache
from tests.booking.conftest import at
from tests.factories import ServiceFactory, TimeOffFactory
from tests.html import booking_links

pytestmark = pytest.mark.django_db


def offered_starts(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {
        datetime.datetime.fromisoformat(flow["start"])
        for href, flow in booking_links(response.content.decode())
        if href.startswith("/book/details/")
    }


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def url(massage, dana, monday):
    """The time step for Dana on Monday."""
    start = reverse("booking:start")
    return f"{start}?patient=new&service={massage.pk}&therapist=dana-whitfield&date={monday}"


@pytest.fixture
def first_time(booking_clinic, monday):
    """Dana's first time on Monday."""
    return at(monday, "09:00", booking_clinic.zone)


def test_the_time_step_is_rendered_once_then_served_without_queries(client, url):
    first = client.get(url).content
    assert queries_for(client, url) == 0
    assert client.get(url).content == first


def test_a_time_booked_or_freed_shows_at_once(client, url, first_time, massage, dana, patient):
    assert first_time in offered_starts(client, url)
    booked = services.request_appointment(
        service=massage, therapist=dana, start=first_time, patient=patient
    )
    assert first_time not in offered_starts(client, url)
    services.cancel_appointment(appointment=booked)
    assert first_time in offered_starts(client, url)


def test_time_off_added_by_staff_shows_at_once(client, url, first_time, dana):
    assert first_time in offered_starts(client, url)
    TimeOffFactory(therapist=dana, start=first_time, end=first_time + datetime.timedelta(hours=3))
    assert first_time not in offered_starts(client, url)


def test_the_page_is_kept_only_until_its_first_time_comes_inside_the_notice(
    client, url, first_time, booking_clinic
):
    notice = datetime.timedelta(hours=booking_clinic.min_notice_hours)
    with time_machine.travel(first_time - notice - datetime.timedelta(minutes=5), tick=False):
        assert first_time in offered_starts(client, url)
    with time_machine.travel(first_time - notice - datetime.timedelta(minutes=1), tick=False):
        assert queries_for(client, url) == 0  # still kept: nothing it shows has changed
    with time_machine.travel(first_time - notice + datetime.timedelta(minutes=1), tick=False):
        starts = offered_starts(client, url)
    assert first_time not in starts
    assert first_time + datetime.timedelta(minutes=15) in starts


def test_the_therapist_steps_soonest_times_are_kept_and_never_stale(
    client, massage, dana, marcus, patient
):
    url = f"{reverse('booking:start')}?patient=new&service={massage.pk}"
    first = min(offered_starts(client, url))
    assert queries_for(client, url) == 0
    for therapist in (dana, marcus):  # take the time from whoever offers it
        with contextlib.suppress(services.SlotUnavailable):  # not this therapist's time
            services.request_appointment(
                service=massage, therapist=therapist, start=first, patient=patient
            )
    assert first not in offered_starts(client, url)


def test_the_service_step_is_kept_and_its_form_needs_no_csrf_token(client, massage):
    start = reverse("booking:start")
    page = client.get(start)
    assert "csrftoken" not in page.cookies
    assert queries_for(client, start) == 0
    strict = Client(enforce_csrf_checks=True)  # a post from anywhere only seals the choice
    response = strict.post(start, {"patient": "new", "service": massage.pk})
    assert response.status_code == 302
    assert "Any available therapist" in strict.get(response["Location"]).content.decode()


def test_a_new_service_shows_on_the_kept_service_step_at_once(client, massage, dana):
    start = reverse("booking:start")
    client.get(start)
    ServiceFactory(name="Hot stone massage", slug="hot-stone", therapists=[dana])
    assert "Hot stone massage" in client.get(start).content.decode()


def visitor_with_session(**data):
    """A client with a live session, as a draft or a sign-in link makes one."""
    visitor = Client()
    session = visitor.session
    session.update(data or {"draft": "typed"})
    session.save()
    return visitor


def test_a_visitor_with_a_session_gets_the_kept_time_step_as_everyone_does(client, url):
    """The time step reads nothing from the session: a patient who goes back from her details
    to change the time gets the page kept for everyone (issue 22), not one rendered anew."""
    kept = client.get(url).content
    with_session = visitor_with_session()
    assert queries_for(with_session, url) == 1  # the session looked up, nothing rendered
    assert with_session.get(url).content == kept


def test_a_message_waiting_is_shown_not_a_kept_page(client, url):
    client.get(url)
    waiting = visitor_with_session()
    note = Message(constants.INFO, "Please choose a service, a therapist and a time first.")
    waiting.cookies["messages"] = CookieStorage(HttpRequest())._encode([note])
    assert note.message in waiting.get(url).content.decode()


def test_a_visitor_with_a_session_is_never_served_a_kept_page_of_another_kind(client, dana):
    """Pages whose views do not say they read nothing from the session are rendered for her."""
    therapist_page = reverse("clinic:therapist_detail", args=[dana.slug])
    client.get(therapist_page)
    assert queries_for(visitor_with_session(), therapist_page) > 1


def test_the_kept_page_ends_when_the_clinics_date_turns(booking_clinic):
    zone = booking_clinic.zone
    late_evening = datetime.datetime(2026, 11, 25, 22, 30, tzinfo=zone)
    midnight = datetime.datetime(2026, 11, 26, 0, 0, tzinfo=zone)
    assert availability.unchanged_until([], clinic=booking_clinic, now=late_evening) == midnight
    soon = datetime.datetime(2026, 11, 25, 23, 45, tzinfo=zone)
    notice = datetime.timedelta(hours=booking_clinic.min_notice_hours)
    assert (
        availability.unchanged_until([midnight, soon], clinic=booking_clinic, now=late_evening)
        == soon - notice
    )


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clinic_cache",
    }
}


@override_settings(CACHES=DATABASE_CACHE)
def test_with_the_database_cache_the_calendar_moves_on_only_when_the_booking_commits(
    first_time, massage, dana, patient, django_capture_on_commit_callbacks
):
    # Production's cache: bumping inside the booking's transaction would lock the version row
    # until commit; after the commit no page from the data before it is kept as new.
    call_command("createcachetable", verbosity=0)  # made by migrate only under production
    cache.set(page_cache.CALENDAR_VERSION_KEY, "before", timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_appointment(
            service=massage, therapist=dana, start=first_time, patient=patient
        )
        assert cache.get(page_cache.CALENDAR_VERSION_KEY) == "before"
    assert cache.get(page_cache.CALENDAR_VERSION_KEY) not in (None, "before")


def test_a_version_dropped_by_a_full_cache_never_brings_back_an_old_page(
    client, url, first_time, massage, dana, patient
):
    client.get(url)  # kept under the first version
    services.request_appointment(service=massage, therapist=dana, start=first_time, patient=patient)
    cache.delete(page_cache.CALENDAR_VERSION_KEY)  # as a full cache culls its oldest keys
    assert first_time not in offered_starts(client, url)


def test_made_up_parameters_share_the_kept_booking_page(client, url):
    kept = client.get(url).content
    for junk in ("&utm_source=news", "&x=1&y=2", "&s=not-sealed", "&from=someday"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + junk).content == kept
        assert len(queries) == 0, junk


def test_an_unknown_service_or_therapist_shares_the_plain_service_step(client, massage):
    start = reverse("booking:start")
    kept = client.get(start).content
    # The first address with a query reads the catalogue, once per change of the clinic's records.
    assert client.get(f"{start}?utm_source=news").content == kept
    for unknown in ("?service=999999", "?therapist=nobody", "?date=1999-01-01", "?patient=maybe"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(start + unknown).content == kept
        assert len(queries) == 0, unknown


def test_each_real_choice_still_has_its_own_kept_page(client, url, monday):
    client.get(url)
    next_day = url.replace(f"date={monday}", f"date={monday + datetime.timedelta(days=1)}")
    assert queries_for(client, next_day) > 0
    assert queries_for(client, url.replace("patient=new", "patient=returning")) > 0
    assert queries_for(client, url.replace("&therapist=dana-whitfield", "&therapist=any")) > 0


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
)
def test_a_failing_cache_neither_stops_a_booking_nor_its_pages(
    client, url, first_time, massage, dana, patient, django_capture_on_commit_callbacks
):
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.request_appointment(
            service=massage, therapist=dana, start=first_time, patient=patient
        )
    assert first_time not in offered_starts(client, url)


def test_a_booking_leaves_the_kept_public_pages_kept(client, first_time, massage, dana, patient):
    client.get("/")
    services.request_appointment(
        service=massage, therapist=dana, start=first_time, patient=patient, client_key="a1b2"
    )
    assert queries_for(client, "/") == 0
