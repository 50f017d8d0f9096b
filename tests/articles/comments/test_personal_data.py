"""Readers' comments in the register of personal data (articles/comments/personal_data.py):
exported and erased with the person, by email; purged by the stated policy."""

import datetime

import pytest
from django.utils import timezone

from articles.comments import services
from articles.comments.models import Answer, Comment
from articles.comments.personal_data import ADDRESS_KEPT, REJECTED_KEPT, UNDECIDED_KEPT
from clinic import personal_data
from clinic.personal_data import Person
from tests.articles.comments.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def alexs(article, clinic, desk, dana):
    """Alex's two comments (one answered), and someone else's."""
    answered = post(article, clinic, email="Alex@Example.com", body="First")
    services.approve(answered, by=desk, clinic=clinic)
    services.answer(answered, by=dana, body="The answer", clinic=clinic)
    post(article, clinic, email="alex@example.com", body="Second")
    post(article, clinic, name="Sam", email="sam@example.com", body="Not Alex's")
    return Person(emails=frozenset({"alex@example.com"}))


def test_a_commenters_export_holds_their_comments_and_the_answers(alexs):
    exported = personal_data.export(alexs)["comments"]
    assert [entry["comment"] for entry in exported] == ["First", "Second"]
    first = exported[0]
    assert first["article"] == "Does massage help low back pain?"
    assert first["status"] == "Published"
    assert first["answers"][0]["by"] == "Dana Whitfield"
    assert first["answers"][0]["answer"] == "The answer"


def test_erasing_a_commenter_removes_their_comments_and_the_answers_to_them(alexs):
    personal_data.erase(alexs)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Not Alex's"]
    assert not Answer.objects.exists()


def test_a_person_without_an_address_erases_no_comment(alexs):
    personal_data.erase(Person(phones=frozenset({"+14165550100"})))
    assert Comment.objects.count() == 3


def test_purge_removes_rejected_and_undecided_comments_and_old_addresses(
    article, clinic, desk, now
):
    def posted(days_ago, body):
        at = now - datetime.timedelta(days=days_ago)
        return post(article, clinic, email=f"{body}@example.com", body=body, at=at)

    rejected_long_ago = posted(40, "rejected-old")
    services.reject(rejected_long_ago, by=desk, now=now - REJECTED_KEPT - datetime.timedelta(1))
    services.reject(posted(5, "rejected-new"), by=desk, now=now)
    posted(UNDECIDED_KEPT.days + 1, "undecided-old")
    posted(1, "undecided-new")
    old = posted(ADDRESS_KEPT.days + 1, "published-old")
    services.approve(old, by=desk, clinic=clinic)
    services.approve(posted(2, "published-new"), by=desk, clinic=clinic)

    [said] = [said for holding, said in personal_data.purge(clinic, timezone.now())
              if holding.key == "comments"]  # fmt: skip

    assert said == (
        "remove 1 rejected comment and 1 undecided comment, and empty the email address of "
        "1 published comment"
    )
    assert sorted(Comment.objects.values_list("body", "email")) == [
        ("published-new", "published-new@example.com"),
        ("published-old", ""),
        ("rejected-new", "rejected-new@example.com"),
        ("undecided-new", "undecided-new@example.com"),
    ]
