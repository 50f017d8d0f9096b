import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import EDITORS, FRONT_DESK, THERAPISTS
from articles.comments import services
from articles.comments.models import Comment
from tests.factories import ArticleFactory, TherapistFactory, UserFactory

# A Monday morning in Toronto; the article went live the week before.
NOW = datetime.datetime(2027, 3, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def article(clinic, now):
    return ArticleFactory(
        title="Does massage help low back pain?",
        slug="massage-low-back-pain",
        published_at=now - datetime.timedelta(days=7),
    )


def staff(role, username, **kwargs):
    user = UserFactory(username=username, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def desk(db):
    return staff(FRONT_DESK, "desk", first_name="Robin", last_name="Desk")


@pytest.fixture
def editor(db):
    return staff(EDITORS, "editor", first_name="Sam", last_name="Lee")


@pytest.fixture
def dana(db):
    """A therapist whose account is linked to her profile."""
    user = staff(THERAPISTS, "dana", first_name="D", last_name="W")
    TherapistFactory(name="Dana Whitfield", credentials="RMT", user=user)
    return user


def post(article, clinic, *, name="Alex", email="alex@example.com", body="Does it help?", at=None):
    """A reader's comment, as the form stores it."""
    return services.post_comment(
        article=article, name=name, email=email, body=body, client_key="",
        clinic=clinic, now=at or timezone.now(),
    )  # fmt: skip


@pytest.fixture
def waiting(article, clinic):
    return post(article, clinic)


@pytest.fixture
def published(article, clinic, desk):
    comment = post(article, clinic, name="Jo", email="jo@example.com", body="Thank you!")
    return services.approve(comment, by=desk, clinic=clinic)


def refreshed(comment):
    return Comment.objects.get(pk=comment.pk)
