"""`manage.py worker`: django-tasks-db's `db_worker`, kept alive through database outages.

db_worker exits on the first failed database call, so a PostgreSQL restart (an upgrade, a
failover) would stop the emails until someone noticed. This worker waits and reconnects instead:
1 s, then 2, 4 … at most 30 s between tries, starting again from 1 s once it has run a minute.
systemd still restarts it if it dies for any other reason (deploy/clinic-worker.service).
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

logger = logging.getLogger(__name__)

LONGEST_WAIT = 30
STEADY = 60  # seconds of work after which an outage counts as a new one


class Command(DatabaseWorker):
    help = "Run background tasks (emails) from the database, surviving database restarts."

    def handle(self, *args, **options):
        wait = 1
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > STEADY:
                    wait = 1
                # The message names the database's state, never a task's contents.
                logger.warning("Database unavailable (%s); retrying in %s s.", error, wait)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
