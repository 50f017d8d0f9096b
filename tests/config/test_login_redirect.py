"""Where a staff sign-in lands (config/settings/base.py: LOGIN_REDIRECT_URL)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import FRONT_DESK
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_sign_in_whose_next_is_refused_lands_on_the_admin(client, clinic):
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    login = reverse("admin:login")
    response = client.post(
        f"{login}?next=https://evil.example/",
        {"username": "desk", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
