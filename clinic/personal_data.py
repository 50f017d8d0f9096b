"""The register of personal data: every place the site keeps something about a person, how long
it is kept, and how it goes.

`manage.py purge_personal_data`, a patient's erasure and their export walk this register and
nothing else, so a place declared here is purged, erased and exported with the rest, and one
left out fails tests/clinic/test_personal_data.py (any model with a name, email, phone or
free-text field must be declared). The README's privacy section is `readme_section()`.

Each app declares its own holdings as `HOLDINGS` in `<app>/personal_data.py`; this module holds
the mechanism and the clinic app's own holdings.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Person:
    """Whom an erasure or an export is about: their record (a booking.Patient; None when they
    have none), every email address and phone number they gave, and their records named as the
    outbox names what an email is about ("appointment:42")."""

    record: object = None
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    about: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Holding:
    """One place that holds personal data (or, said as plainly, holds none).

    `kept` is one sentence a patient reads: what is there and how long it stays. `models` are
    the labels of the models whose rows it covers. `purge(clinic, now)` removes what is due and
    says what went ("remove 3 sessions"); `erase(person)` removes what is held about one person;
    `export(person)` returns it for their copy. None means there is nothing of that to do.
    """

    key: str
    title: str
    kept: str
    models: tuple[str, ...] = ()
    purge: Callable[..., str] | None = None
    erase: Callable[[Person], None] | None = None
    export: Callable[[Person], object] | None = None
    # For the dry run of a holding whose removal Django does not do (backups).
    purged_by: str = field(default="", compare=False)


def holdings():
    """Every declared holding, in the order of INSTALLED_APPS (so the README's list is stable)."""
    found = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "personal_data"):
            module = import_module(f"{app_config.name}.personal_data")
            found.extend(getattr(module, "HOLDINGS", ()))
    return found


def purge(clinic, now):
    """Remove what is due everywhere. Returns (holding, what went) for each holding that purges;
    the caller owns the transaction (a dry run rolls it back)."""
    return [(holding, holding.purge(clinic, now)) for holding in holdings() if holding.purge]


def erase(person):
    """Remove what every holding keeps about the person. The caller owns the transaction."""
    for holding in holdings():
        if holding.erase:
            holding.erase(person)


def export(person):
    """What the holdings that export hold about the person, by holding key."""
    return {holding.key: holding.export(person) for holding in holdings() if holding.export}


def readme_section():
    """The README's list of holdings (a test keeps the two the same)."""
    return "\n".join(f"- **{holding.title}**: {holding.kept}" for holding in holdings())


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# The clinic app's own holdings, and the site-wide ones no app of ours owns.

LIMITS_KEPT = datetime.timedelta(days=2)
TASK_RESULTS_KEPT = datetime.timedelta(days=7)
STAFF_AND_PUBLIC = "staff and public data, kept until staff change or remove them."


def _purge_limits(clinic, now):
    from clinic.models import LimitedAction

    removed, _ = LimitedAction.objects.filter(at__lt=now - LIMITS_KEPT).delete()
    return f"remove {plural(removed, 'count')}"


def _erase_limits(person):
    from clinic.limiter import key
    from clinic.models import LimitedAction

    contacts = [key(value) for value in person.emails | person.phones]
    LimitedAction.objects.filter(contact_key__in=contacts).delete()


def _purge_task_results(clinic, now):
    from django_tasks_db.models import DBTaskResult

    done = DBTaskResult.objects.filter(finished_at__lt=now - TASK_RESULTS_KEPT)
    removed, _ = done.delete()
    return f"remove {plural(removed, 'finished task')}"


HOLDINGS = [
    Holding(
        key="clinic",
        title="The clinic, therapists and services",
        kept=(
            "Clinic details, therapist profiles, specialties, services, working hours, time off "
            f"and closures are {STAFF_AND_PUBLIC}"
        ),
        models=(
            "clinic.Clinic",
            "clinic.Specialty",
            "clinic.Therapist",
            "clinic.Service",
            "clinic.WorkingHours",
            "clinic.TimeOff",
            "clinic.Closure",
        ),
    ),
    Holding(
        key="limits",
        title="Limits on public forms",
        kept=(
            "Each booking request, waitlist sign-up, move, sign-in link asked for, reader's "
            "comment and mailing-list sign-up is counted by a keyed hash of the internet address "
            f"and of the email or phone (never the values), deleted after {LIMITS_KEPT.days} days."
        ),
        models=("clinic.LimitedAction",),
        purge=_purge_limits,
        erase=_erase_limits,
    ),
    Holding(
        key="page_cache",
        title="Page cache",
        kept=(
            "Pages are cached only as a visitor without a session sees them, so the cache holds "
            "no personal data."
        ),
    ),
    Holding(
        key="admin_log",
        title="Admin log",
        kept=(
            "The admin's log of which staff member changed what: entries about a visit or a "
            "patient record go with that visit's or record's details, the rest are staff data, "
            "kept until staff remove them."
        ),
        models=("admin.LogEntry",),
    ),
    Holding(
        key="tasks",
        title="Background tasks",
        kept=(
            "Queued work (sending an email) names records by id only, never personal data; "
            f"finished tasks are deleted after {TASK_RESULTS_KEPT.days} days."
        ),
        models=("django_tasks_database.DBTaskResult",),
        purge=_purge_task_results,
    ),
    Holding(
        key="backups",
        title="Backups",
        kept=(
            "The nightly backup (database and uploads) is deleted after BACKUP_KEEP_DAYS days "
            "(30 by default) by deploy/backup.sh, not by Django, so what is purged or erased "
            "here is gone from every backup by then."
        ),
        purged_by="deploy/backup.sh, nightly",
    ),
]
