"""The owner adds and changes staff members on one simple page; the person sets their own
password from an emailed link; the System section is the owner's alone."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from emails.models import Email
from tests.conftest import sign_in_as
from tests.factories import TherapistFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"http://testserver(/staff/welcome/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def owner(client, clinic):
    user = sign_in_as(client, roles.OWNER, username="owner")
    user.first_name, user.last_name = "Olive", "Owner"
    user.save()
    return user


@pytest.fixture
def dana_profile(db):
    return TherapistFactory(name="Dana Reyes")


def add(client, capture, **fields):
    data = {"first_name": "Dana", "last_name": "Reyes", "email": "Dana@Example.com",
            "role": roles.THERAPISTS, "therapist": "", **fields}  # fmt: skip
    with capture(execute=True):
        return client.post(reverse("admin:staff_add"), data, follow=True)


def test_the_owner_adds_a_therapist_who_is_emailed_a_link_to_set_a_password(
    client, owner, dana_profile, django_capture_on_commit_callbacks
):
    page = add(client, django_capture_on_commit_callbacks, therapist=dana_profile.pk)
    assert "is added as Therapists" in page.content.decode()

    dana = User.objects.get(email="dana@example.com")
    assert (dana.username, dana.is_staff, dana.is_active) == ("dana@example.com", True, True)
    assert not dana.has_usable_password()
    assert roles.role_of(dana) == roles.THERAPISTS
    dana_profile.refresh_from_db()
    assert dana_profile.user == dana

    [message] = mail.outbox
    assert message.to == ["dana@example.com"]
    assert message.subject == "Olive Owner invited you to Test Clinic's staff site"
    assert "for the next 3 days" in message.body
    assert "Your username is dana@example.com" in message.body
    assert LINK.search(message.body)
    assert Email.objects.get(kind="staff_invite").about == f"staff:{dana.pk}"


def test_the_invited_person_sets_a_password_once_and_signs_in(
    client, owner, dana_profile, django_capture_on_commit_callbacks
):
    add(client, django_capture_on_commit_callbacks, therapist=dana_profile.pk)
    path = LINK.search(mail.outbox[0].body)[1]
    client.logout()

    # The token leaves the address before the form is shown (Django's own step).
    opened = client.get(path)
    assert opened.status_code == 302
    assert "set-password" in opened["Location"]
    form = client.get(opened["Location"])
    assert "Choose a password" in form.content.decode()
    done = client.post(
        opened["Location"],
        {"new_password1": "a-long-new-password-9", "new_password2": "a-long-new-password-9"},
        follow=True,
    )
    assert "Your password is set and you are signed in" in done.content.decode()
    assert User.objects.get(username="dana@example.com").check_password("a-long-new-password-9")

    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "already been used or has expired" in again


def test_the_link_stops_working_after_the_reset_timeout(
    client, owner, dana_profile, django_capture_on_commit_callbacks
):
    add(client, django_capture_on_commit_callbacks, therapist=dana_profile.pk)
    path = LINK.search(mail.outbox[0].body)[1]
    client.logout()
    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        page = client.get(path, follow=True).content.decode()
    assert "already been used or has expired" in page


def test_a_therapist_needs_a_profile_and_an_email_is_one_account(
    client, owner, django_capture_on_commit_callbacks
):
    page = add(client, django_capture_on_commit_callbacks).content.decode()
    assert "Choose the therapist profile this person works as" in page
    UserFactory(username="dana2", email="dana@example.com")
    page = add(client, django_capture_on_commit_callbacks, role=roles.FRONT_DESK).content.decode()
    assert "Another staff account already has this email address." in page
    assert mail.outbox == []


def test_a_profile_someone_else_signs_in_as_is_not_offered(client, owner, dana_profile):
    TherapistFactory(name="Taken Profile", user=UserFactory(username="taken"))
    page = client.get(reverse("admin:staff_add")).content.decode()
    assert "Dana Reyes" in page
    assert "Taken Profile" not in page


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.THERAPISTS, roles.EDITORS])
def test_only_the_owner_adds_or_changes_staff(client, clinic, role):
    someone = sign_in_as(client, role, username="not-owner")
    assert client.get(reverse("admin:staff_add")).status_code == 403
    assert client.get(reverse("admin:staff_change", args=[someone.pk])).status_code == 403
    assert client.get(reverse("admin:system")).status_code == 403


def change(client, account, **fields):
    data = {"first_name": account.first_name or "Sam", "last_name": account.last_name,
            "email": account.email, "role": roles.role_of(account) or "", "therapist": "",
            "is_active": "on", **fields}  # fmt: skip
    return client.post(reverse("admin:staff_change", args=[account.pk]), data, follow=True)


def test_saving_an_account_without_a_role_warns_first(client, owner):
    sam = UserFactory(username="sam", first_name="Sam")
    sam.groups.add(Group.objects.get(name=roles.FRONT_DESK))

    page = change(client, sam, role="").content.decode()
    assert "Without a role this person can sign in but sees" in page
    assert roles.role_of(sam) == roles.FRONT_DESK  # nothing saved

    page = change(client, sam, role="", without_role="on").content.decode()
    assert "Sam is saved without a role." in page
    assert roles.role_of(sam) is None
    assert "No role: can do nothing in the admin" in page  # the list says so too


def test_changing_the_role_keeps_one_role_and_relinks_the_profile(client, owner, dana_profile):
    sam = UserFactory(username="sam", first_name="Sam")
    sam.groups.add(Group.objects.get(name=roles.FRONT_DESK))
    change(client, sam, role=roles.THERAPISTS, therapist=dana_profile.pk, email="sam@example.org")
    sam.refresh_from_db()
    assert [group.name for group in sam.groups.all()] == [roles.THERAPISTS]
    assert sam.therapist == dana_profile
    assert sam.email == "sam@example.org"
    change(client, sam, role=roles.FRONT_DESK)
    dana_profile.refresh_from_db()
    assert dana_profile.user is None


def test_the_last_owner_cannot_take_away_their_own_role(client, owner):
    page = change(client, owner, role=roles.FRONT_DESK).content.decode()
    assert "This is the clinic&#x27;s only active owner" in page
    assert roles.role_of(owner) == roles.OWNER


def test_the_invitation_can_be_sent_again_until_a_password_is_set(
    client, owner, dana_profile, django_capture_on_commit_callbacks
):
    add(client, django_capture_on_commit_callbacks, therapist=dana_profile.pk)
    dana = User.objects.get(email="dana@example.com")
    assert (
        "Send the invitation again"
        in client.get(reverse("admin:staff_change", args=[dana.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:staff_invite_again", args=[dana.pk]))
    assert [m.to for m in mail.outbox] == [["dana@example.com"]] * 2
    assert client.get(reverse("admin:staff_invite_again", args=[dana.pk])).status_code == 405


def test_djangos_full_form_warns_when_it_saves_an_account_without_a_role(client, owner):
    sam = UserFactory(username="sam")
    url = reverse("admin:accounts_user_change", args=[sam.pk])
    data = {"username": "sam", "email": "sam@example.com", "is_active": "on", "is_staff": "on",
            "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00", "_save": "Save"}  # fmt: skip
    page = client.post(url, data, follow=True).content.decode()
    assert "Sam has no role: they can sign in but see" in page  # the admin capitalises


def test_adding_through_djangos_page_leads_to_the_simple_one(client, owner):
    response = client.get(reverse("admin:accounts_user_add"))
    assert response["Location"] == reverse("admin:staff_add")


def app_names(client):
    return [app["name"] for app in client.get(reverse("admin:index")).context["app_list"]]


def test_only_the_owner_sees_the_system_section(client, owner):
    assert app_names(client)[-1] == "System"
    system = client.get(reverse("admin:index")).context["app_list"][-1]
    names = [model["name"] for model in system["models"]]
    assert "Sign-in lockouts (access attempts)" in names
    assert "Authenticator apps (TOTP devices)" in names
    assert "Background tasks (task results)" in names
    assert "Roles and their permissions (groups)" in names
    assert "Axes" not in app_names(client)
    assert client.get(reverse("admin:system")).status_code == 200

    sign_in_as(client, roles.FRONT_DESK, username="desk-2")
    assert "System" not in app_names(client)


def test_the_staff_list_asks_the_same_queries_for_more_accounts(
    client, owner, django_assert_num_queries
):
    url = reverse("admin:accounts_user_changelist")
    client.get(url)  # warm the site's caches (content types, the clinic)

    def accounts(count):
        for n in range(count):
            user = UserFactory(username=f"more-{n}", first_name=f"More {n}")
            user.groups.add(Group.objects.get(name=roles.THERAPISTS))
            TherapistFactory(user=user)

    accounts(2)
    with CaptureQueriesContext(connection) as few:
        assert "More 1" in client.get(url).content.decode()
    User.objects.filter(username__startswith="more-").delete()
    accounts(15)
    with django_assert_num_queries(len(few)):
        assert "More 14" in client.get(url).content.decode()


def test_a_superuser_counts_as_an_owner(client, owner):
    root = UserFactory(username="root", first_name="Root", is_superuser=True)
    listed = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "No role" not in listed  # the owner and the superuser both hold the Owner role
    change(client, owner, role=roles.FRONT_DESK)  # the superuser remains an owner
    assert roles.role_of(owner) == roles.FRONT_DESK
    client.force_login(root)
    page = change(client, root, role=roles.EDITORS).content.decode()
    assert "This is the clinic&#x27;s only active owner" in page
