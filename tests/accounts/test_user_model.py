import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth_models
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_project_signs_staff_in_with_its_own_user_model():
    assert get_user_model() is User


def test_it_has_exactly_the_table_and_columns_of_djangos_own_user_model():
    """What lets an older installation keep its accounts: nothing about the table changes."""
    ours = User._meta
    theirs = auth_models.User._meta
    assert ours.db_table == theirs.db_table == "auth_user"
    assert [(f.column, f.db_type(connection)) for f in ours.local_fields] == [
        (f.column, f.db_type(connection)) for f in theirs.local_fields
    ]
    assert [f.m2m_db_table() for f in ours.local_many_to_many] == [
        f.m2m_db_table() for f in theirs.local_many_to_many
    ]


def as_before_accounts_user():
    """Put the database back the way an installation made with auth.User has it."""
    MigrationRecorder(connection).migration_qs.filter(app="accounts").delete()
    ContentType.objects.filter(app_label="accounts", model="user").update(app_label="auth")
    ContentType.objects.clear_cache()


def test_an_older_installation_adopts_the_model_and_keeps_every_account(capsys):
    UserFactory(username="owner", email="owner@clinic.example")
    as_before_accounts_user()
    with pytest.raises(InconsistentMigrationHistory):
        MigrationLoader(connection).check_consistent_history(connection)

    call_command("adopt_user_model")
    assert "1 accounts kept" in capsys.readouterr().out

    MigrationLoader(connection).check_consistent_history(connection)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(User).app_label == "accounts"
    assert User.objects.get(username="owner").email == "owner@clinic.example"
    call_command("adopt_user_model")
    assert "Nothing to do" in capsys.readouterr().out
