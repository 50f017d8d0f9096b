import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from clinic.models import Clinic, Closure, Service, Therapist, WorkingHours

pytestmark = pytest.mark.django_db


def can_sign_in(username, password):
    """Sign in through the admin's own form, as staff do."""
    response = Client().post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )
    return response.status_code == 302


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Clinic, Therapist, Service, WorkingHours, Closure)
    }


def test_load_demo_creates_a_real_looking_clinic(capsys):
    call_command("load_demo")
    clinic = Clinic.objects.current()
    assert clinic.time_zone == "America/Toronto"
    assert Therapist.objects.active().count() >= 4
    assert Service.objects.filter(name__icontains="assessment").exists()
    assert Service.objects.filter(new_patients_allowed=False).exists()
    for therapist in Therapist.objects.all():
        assert therapist.photo
        assert therapist.photo_alt
        assert therapist.working_hours.exists()
        assert therapist.services.exists()
    output = capsys.readouterr().out
    assert "admin" in output
    assert "frontdesk" in output
    assert "demo-clinic-2026" in output


def test_load_demo_is_idempotent():
    call_command("load_demo")
    first = _counts()
    photos = {t.slug: t.photo.name for t in Therapist.objects.all()}
    call_command("load_demo")
    assert _counts() == first
    assert {t.slug: t.photo.name for t in Therapist.objects.all()} == photos


def test_running_it_again_keeps_what_staff_changed():
    call_command("load_demo")
    clinic = Clinic.objects.current()
    clinic.name = "Our Own Clinic"
    clinic.save()
    Therapist.objects.filter(slug="dana-whitfield").update(short_bio="Edited by staff.")
    Therapist.objects.get(slug="kenji-tanaka").working_hours.all().delete()
    call_command("load_demo")
    assert Clinic.objects.current().name == "Our Own Clinic"
    assert Therapist.objects.get(slug="dana-whitfield").short_bio == "Edited by staff."
    assert not Therapist.objects.get(slug="kenji-tanaka").working_hours.exists()


def test_demo_staff_can_sign_in_with_the_chosen_password():
    call_command("load_demo", password="another-pass-9")
    for username in ("admin", "frontdesk", "dana"):
        assert can_sign_in(username, "another-pass-9")
    assert not can_sign_in("admin", "demo-clinic-2026")
    assert Therapist.objects.get(user__username="dana").name == "Dana Whitfield"


def test_load_demo_refuses_to_run_with_production_settings(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        call_command("load_demo")
    assert not Therapist.objects.exists()


def test_running_it_again_never_resets_a_changed_password(capsys):
    call_command("load_demo")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("owner-chose-this-1")
    admin.save()
    call_command("load_demo")
    assert can_sign_in("admin", "owner-chose-this-1")
    assert "password unchanged" in capsys.readouterr().out


def test_load_demo_refuses_a_database_on_another_machine(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "HOST", "db.clinic.example")
    with pytest.raises(CommandError, match="refuses to write demo content to the database at db"):
        call_command("load_demo")
    assert not Therapist.objects.exists()
