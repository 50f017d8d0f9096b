"""The register of personal data (clinic/personal_data.py): every place that holds it is declared,
and what the register says is what the README and purge_personal_data say."""

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from clinic import personal_data

PERSONAL_NAME = re.compile("name|email|phone")
FREE_TEXT = (models.EmailField, models.TextField, models.JSONField)


def personal_fields(model):
    """Fields that may hold who someone is or what they wrote."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if PERSONAL_NAME.search(field.name) or isinstance(field, FREE_TEXT)
    ]


def declared_models():
    return {label for holding in personal_data.holdings() for label in holding.models}


def test_every_model_with_a_name_email_phone_or_free_text_field_is_in_the_register():
    # Every installed model: ours, their change history, sessions, the admin log, task results,
    # sign-in attempts. A new one must say in the register how long its rows are kept.
    undeclared = {
        model._meta.label: personal_fields(model)
        for model in apps.get_models()
        if personal_fields(model) and model._meta.label not in declared_models()
    }
    assert undeclared == {}, "declare these in an app's personal_data.py"


def test_the_check_covers_history_sessions_the_admin_log_tasks_and_sign_in_attempts():
    checked = {model._meta.label for model in apps.get_models() if personal_fields(model)}
    assert {
        "booking.HistoricalAppointment", "sessions.Session", "admin.LogEntry",
        "django_tasks_database.DBTaskResult", "axes.AccessAttempt",
    } <= checked  # fmt: skip


def test_every_model_the_register_names_exists():
    installed = {model._meta.label for model in apps.get_models()}
    assert declared_models() - installed == set()


def test_backups_are_declared_as_pruned_by_the_backup_script():
    [backups] = [h for h in personal_data.holdings() if h.key == "backups"]
    assert "BACKUP_KEEP_DAYS" in backups.kept
    assert "deploy/backup.sh" in backups.kept
    assert "BACKUP_KEEP_DAYS" in (Path(settings.BASE_DIR) / "deploy/backup.sh").read_text()


def test_the_readme_says_what_the_register_keeps():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert personal_data.readme_section() in readme, (
        "paste personal_data.readme_section() into the README's privacy section"
    )


@pytest.mark.django_db
def test_the_dry_run_lists_every_holding_and_what_it_keeps(clinic):
    output = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=output)
    for holding in personal_data.holdings():
        assert f"{holding.title}: {holding.kept}" in output.getvalue()
    assert "Backups: " in output.getvalue()
    assert "removed by deploy/backup.sh" in output.getvalue()
    assert output.getvalue().endswith("Nothing changed.\n")
