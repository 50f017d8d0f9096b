import datetime
import logging
import os

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
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
def commits(db, monkeypatch, request):
    """The code's transactions end as real commits do, inside the test's rolled-back one.

    Each outermost `transaction.atomic` the code opens, on leaving without an error, runs the
    work it left for after the commit (emails, tasks, waitlist offers), before the code goes on;
    `on_commit` outside any such block runs at once, as in autocommit. A block that fails drops
    its callbacks, as a rollback does. So a test sees what production does, in the order it does
    it, without `transaction=True` emptying the database after it. What it cannot show is
    another connection (a thread, the live server) reading the data: those tests keep
    `transaction=True`. A test that captures the callbacks itself
    (`django_capture_on_commit_callbacks`) decides when they run: then this stays out of it.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    if "django_capture_on_commit_callbacks" in request.fixturenames or not wrapper.in_atomic_block:
        return  # the test captures them itself, or its transactions (transaction=True) are real
    # The test's own transaction (and the class-level one around it) are not the code's.
    test_depth = len(wrapper.savepoint_ids)
    left_before = len(wrapper.run_on_commit)
    real_on_commit = wrapper.on_commit
    real_exit = transaction.Atomic.__exit__

    def run_callbacks():
        # As Django's run_and_clear_commit_hooks: the list is taken whole, then run in order.
        pending = wrapper.run_on_commit[left_before:]
        del wrapper.run_on_commit[left_before:]
        for _, func, robust in pending:
            if not robust:
                func()
                continue
            try:
                func()
            except Exception as error:
                logging.getLogger("django.db.backends.base").exception(
                    "Error calling %s in on_commit() during transaction (%s).",
                    getattr(func, "__qualname__", func),
                    error,
                )

    def on_commit(func, robust=False):
        real_on_commit(func, robust)
        if len(wrapper.savepoint_ids) == test_depth:
            run_callbacks()

    def exit_and_commit(self, exc_type, exc_value, traceback):
        suppressed = real_exit(self, exc_type, exc_value, traceback)
        ends_the_codes_transaction = (
            (self.using or DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS
            and len(wrapper.savepoint_ids) == test_depth
            and exc_type is None
        )
        if ends_the_codes_transaction:
            run_callbacks()
        return suppressed

    monkeypatch.setattr(wrapper, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)


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
