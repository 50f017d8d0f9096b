"""Every installation has the staff roles after `migrate`, with nothing from the demo."""

import sqlite3
import uuid
from collections import defaultdict

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from accounts.roles import EVERYTHING, FRONT_DESK, OWNER, ROLES, THERAPISTS
from tests.clinic.test_settings import PRODUCTION_ENV, run_manage

ROLE_QUERY = """
    SELECT g.name, ct.app_label, p.codename
    FROM auth_group g
    JOIN auth_group_permissions gp ON gp.group_id = g.id
    JOIN auth_permission p ON p.id = gp.permission_id
    JOIN django_content_type ct ON ct.id = p.content_type_id
"""


@pytest.fixture
def empty_database(tmp_path):
    """(DATABASE_URL, run a query) for a brand-new database of the kind the suite runs on."""
    if connection.vendor != "postgresql":
        path = tmp_path / "fresh.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return

    import psycopg

    params = {
        key: value
        for key, value in {
            "host": connection.settings_dict["HOST"],
            "port": connection.settings_dict["PORT"],
            "user": connection.settings_dict["USER"],
            "password": connection.settings_dict["PASSWORD"],
        }.items()
        if value
    }
    name = f"clinic_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql):
        with psycopg.connect(dbname=name, **params) as db:
            return db.execute(sql).fetchall()

    host = params.get("host", "")
    yield f"postgres://{params.get('user', '')}@{host}/{name}", query
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_migrate_alone_gives_an_empty_production_database_every_role(empty_database):
    url, query = empty_database
    result = run_manage("migrate", "--noinput", env={**PRODUCTION_ENV, "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    held = defaultdict(set)
    for group, app_label, codename in query(ROLE_QUERY):
        held[group].add(f"{app_label}.{codename}")
    listed = {name: set(perms) for name, perms in ROLES.items() if perms != EVERYTHING}
    assert {name: held[name] for name in listed} == listed
    every_permission = query("SELECT COUNT(*) FROM auth_permission")[0][0]
    assert len(held[OWNER]) == every_permission
    assert "accounts.add_user" in held[OWNER]
    assert "booking.view_all_appointments" in held[FRONT_DESK]
    assert "booking.view_all_appointments" not in held[THERAPISTS]
    assert query("SELECT COUNT(*) FROM auth_user") == [(0,)]  # no demo accounts


def test_setup_roles_restores_a_role_and_keeps_what_the_owner_added(db, capsys):
    extra = Group.objects.get(name=THERAPISTS).permissions.model.objects.get(codename="add_timeoff")
    Group.objects.get(name=THERAPISTS).permissions.add(extra)
    Group.objects.get(name=FRONT_DESK).delete()
    call_command("setup_roles")
    assert "Staff roles ready: Owner, Front desk, Therapists, Editors." in capsys.readouterr().out
    assert Group.objects.get(name=FRONT_DESK).permissions.count() == len(ROLES[FRONT_DESK])
    assert Group.objects.get(name=THERAPISTS).permissions.filter(pk=extra.pk).exists()
