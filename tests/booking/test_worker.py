"""`manage.py worker` keeps sending emails through a database restart."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from booking.management.commands import worker

# As production runs it: tasks stored in the database (tests otherwise run them at once).
pytestmark = pytest.mark.usefixtures("database_tasks")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_lost_database_is_waited_for_and_the_worker_carries_on(caplog):
    outage = OperationalError("connection to server on socket failed: FATAL:  shutting down")
    runs = []

    def run(self):
        runs.append(self)
        if len(runs) < 3:
            raise outage

    with (
        mock.patch.object(Worker, "run", run),
        mock.patch.object(worker.time, "sleep") as sleep,
        mock.patch.object(worker.connections, "close_all") as close_all,
    ):
        call_command("worker", "--batch", "--no-startup-delay")
    assert len(runs) == 3
    assert [call.args[0] for call in sleep.call_args_list] == [1, 2]
    assert close_all.call_count == 2
    assert "Database unavailable" in caplog.text


def test_other_errors_still_stop_the_worker_for_systemd_to_restart():
    with (
        mock.patch.object(Worker, "run", side_effect=RuntimeError("bug")),
        pytest.raises(RuntimeError),
    ):
        call_command("worker", "--batch", "--no-startup-delay")
