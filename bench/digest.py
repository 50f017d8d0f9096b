"""The article digest for a big list: time and peak memory of `send_article_digest`'s work for
10,000 confirmed subscribers, and how long a booking email queued right after it waits.

Usage:
    python bench/digest.py [--subscribers 10000] [--postgres]

On a throwaway database (SQLite in a temporary folder, or a new PostgreSQL database dropped
after), migrated and loaded with the demo clinic and library, with production's task queue
(django-tasks-db) so the queueing is measured too; nothing is sent. The digest runs twice on
the same list: once timed, once under tracemalloc for Python's peak memory. Then one email
about an appointment is queued behind the whole digest and the worker takes one task: it must
be that one. Prints one JSON object and writes it to bench/results/digest-<database>.json.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from run import throwaway_database

ROOT = Path(__file__).resolve().parent.parent


def set_up(database_url, workdir):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Production's queue and DEBUG; override_settings also drops the task backend loaded.
    override_settings(
        DEBUG=False,  # as in production: no query log growing with every insert
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
    ).enable()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def subscribers(count, since):
    """`count` confirmed readers, each a second after the one before from `since`: distinct
    moments, as a real list's (the digest must not read the articles once per moment)."""
    from articles.mailing.models import Subscriber
    from emails.outbox import recipient_key

    Subscriber.objects.all().delete()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{number}@example.com",
                email_key=recipient_key(f"reader{number}@example.com"),
                asked_at=since + datetime.timedelta(seconds=number),
                confirmed_at=since + datetime.timedelta(seconds=number),
                place="footer",
                path="/",
                wording="Get the clinic's new health articles by email.",
            )
            for number in range(count)
        ),
        batch_size=1000,
    )


def fresh_run():
    """Forget the previous run: its digest, its emails and tasks, the subscribers' last one."""
    from django_tasks_db.models import DBTaskResult

    from articles.mailing.models import Digest, Subscriber
    from emails.models import Email

    Digest.objects.all().delete()
    Email.objects.all().delete()
    DBTaskResult.objects.all().delete()
    Subscriber.objects.update(last_digest_at=None)


def run_digest(now):
    from articles.mailing import digest
    from articles.mailing.models import Digest
    from clinic.models import Clinic

    return digest.send(Clinic.objects.current(), Digest(started_at=now))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-digest-"))
    database_url, drop_database = throwaway_database(workdir, args.postgres)
    try:
        set_up(database_url, workdir)
        print(json.dumps(measure(args.subscribers), indent=2))
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


def measure(count):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article
    from emails import outbox
    from emails.models import Email
    from tests.emails.test_outbox import message

    now = timezone.now()
    since = now - datetime.timedelta(days=7)
    # The demo library's articles, as if published yesterday, after every subscriber confirmed
    # (in the hours after `since`): every subscriber gets them all.
    Article.objects.published(now).update(published_at=now - datetime.timedelta(days=1))
    subscribers(count, since)

    fresh_run()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    sent = run_digest(now)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    articles = sent.articles.count()

    fresh_run()
    tracemalloc.start()
    if os.environ.get("DIGEST_PROFILE"):
        import cProfile

        cProfile.runctx("run_digest(now)", globals(), locals(), sort="cumulative")
    else:
        run_digest(now)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # An appointment email queued behind the whole digest is the worker's next task.
    booking = outbox.send(message("patient@example.com"), kind="confirmed", about="appointment:1")
    waited = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--max-tasks", "1", verbosity=0)
    waited = time.perf_counter() - waited
    booking.refresh_from_db()
    result = {
        "database": connection.vendor,
        "subscribers": count,
        "emails_queued": sent.recipients,
        "articles": articles,
        "seconds": round(seconds, 2),
        "emails_per_second": round(sent.recipients / seconds),
        "python_peak_mib": round(peak / 2**20, 1),
        # ru_maxrss is in KiB on Linux: how far the process's peak grew during the timed run.
        "process_peak_growth_mib": round((rss_after - rss_before) / 1024, 1),
        "process_peak_mib": round(rss_after / 1024, 1),
        "booking_email_sent_next": booking.status == Email.Status.SENT,
        "digest_emails_still_queued": Email.objects.filter(
            kind="digest", status=Email.Status.QUEUED
        ).count(),
        "worker_seconds_to_the_booking_email": round(waited, 2),
    }
    results = ROOT / "bench/results"
    results.mkdir(exist_ok=True)
    (results / f"digest-{connection.vendor}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
