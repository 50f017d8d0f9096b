import datetime
import os

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from hypothesis import settings as hypothesis_settings

from clinic.models import Clinic
from tests.factories import UserFactory

# Locally hypothesis explores new examples on every run; CI replays a fixed set, so a landing
# is never decided by a lucky draw. Failures found locally are kept in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")

# TEST_CLOCK=2026-11-28T23:30-05:00 runs the whole suite as if it were that moment (the clock
# still ticks), so a time-of-day or weekday dependence shows up on demand, not at 6 p.m. in CI.
# CI runs one pass this way at an awkward clinic time; see .ci/run.
_suite_clock = None


def pytest_configure(config):
    global _suite_clock
    moment = os.environ.get("TEST_CLOCK")
    if moment:
        # Started before collection, so module-level times in test files see it too.
        _suite_clock = time_machine.travel(datetime.datetime.fromisoformat(moment), tick=True)
        _suite_clock.start()


def pytest_unconfigure(config):
    if _suite_clock is not None:
        _suite_clock.stop()


def pytest_report_header(config):
    moment = os.environ.get("TEST_CLOCK")
    return f"suite clock: {moment} (TEST_CLOCK)" if moment else "suite clock: real time"


@pytest.fixture(autouse=True, scope="session")
def _mail_only_through_the_outbox(django_test_environment):
    """Django's test set-up puts its in-memory mail backend in place; ours is that backend
    refusing any email that did not come through the outbox (emails/testing.py), so a feature
    that sends mail another way fails its tests."""
    from django.conf import settings

    settings.MAILERS = {"default": {"BACKEND": "emails.testing.OutboxOnlyBackend"}}


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with an empty cache: a page cached by another test is not this one's."""
    cache.clear()


@pytest.fixture
def clinic(db):
    clinic = Clinic.objects.current()
    clinic.name = "Test Clinic"
    clinic.short_description = "Massage therapy for back pain."
    clinic.phone = "+1 416-555-0100"
    clinic.email = "desk@test-clinic.example"
    clinic.street_address = "1 Main Street"
    clinic.city = "Toronto"
    clinic.time_zone = "America/Toronto"
    clinic.opening_hours = "Monday–Friday: 9:00–17:00"
    clinic.directions = "Take the subway to Main."
    clinic.save()
    return clinic


@pytest.fixture
def front_desk_user(db):
    """A front-desk account: the Front desk role, as every installation has it."""
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def sign_in_as(client, role, *, username, therapist=None):
    """Sign `client` in as a new account in `role`, linked to `therapist`'s profile if given."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    if therapist is not None:
        therapist.user = user
        therapist.save()
    client.force_login(user)
    return user


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only on PostgreSQL; elsewhere they skip and say how to run them."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres:///clinic (CI's second pass does)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
