"""Staff's side (articles/comments/moderation.py, admin.py): the dashboard's comments waiting,
oldest first, and who may publish, reject and answer, by role (accounts/roles.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.comments import moderation
from articles.comments.models import Comment
from emails.models import Email
from tests.articles.comments.conftest import post, refreshed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def dashboard(client):
    return client.get(reverse("admin:index")).content.decode()


def test_the_dashboard_lists_comments_waiting_oldest_first(client, article, clinic, desk, now):
    post(article, clinic, name="Newer", body="Second", at=now)
    post(article, clinic, name="Older", body="First", at=now - datetime.timedelta(hours=2))
    assert [c.name for c in moderation.waiting_for(desk)] == ["Older", "Newer"]
    client.force_login(desk)
    html = dashboard(client)
    assert "Readers’ comments waiting (2)" in html
    assert html.index("First") < html.index("Second")


def test_the_front_desk_publishes_and_rejects_but_does_not_answer(client, article, clinic, desk):
    keep, drop = post(article, clinic, body="Keep"), post(article, clinic, body="Drop")
    client.force_login(desk)
    html = dashboard(client)
    assert reverse("admin:comments_comment_approve", args=[keep.pk]) in html
    assert reverse("admin:comments_comment_answer", args=[keep.pk]) not in html
    published = client.post(
        reverse("admin:comments_comment_approve", args=[keep.pk]), {"next": "/admin/"}
    )
    assert published["Location"] == "/admin/"
    client.post(reverse("admin:comments_comment_reject", args=[drop.pk]), {"reason": "Spam"})
    assert refreshed(keep).status == Comment.Status.APPROVED
    assert (refreshed(drop).status, refreshed(drop).rejection_reason) == ("rejected", "Spam")
    assert client.get(reverse("admin:comments_comment_answer", args=[keep.pk])).status_code == 403
    assert "Readers’ comments waiting" not in dashboard(client)  # none left


def test_a_long_reason_for_rejecting_is_kept_whole(client, article, clinic, desk):
    comment = post(article, clinic)
    client.force_login(desk)
    reason = "Advertises a clinic elsewhere. " * 20  # over 600 characters
    url = reverse("admin:comments_comment_reject", args=[comment.pk])
    client.post(url, {"reason": reason})
    assert (refreshed(comment).status, refreshed(comment).rejection_reason) == (
        "rejected", reason.strip(),
    )  # fmt: skip
    assert 'maxlength="500"' not in dashboard(client)


def test_a_reason_that_cannot_be_kept_rejects_nothing_and_says_why(client, article, clinic, desk):
    comment = post(article, clinic)
    client.force_login(desk)
    url = reverse("admin:comments_comment_reject", args=[comment.pk])
    html = client.post(url, {"reason": "Spam\x00"}, follow=True).content.decode()
    assert "“Does massage help low back pain?” is not rejected: Null characters" in html
    assert refreshed(comment).status == Comment.Status.WAITING


def test_a_therapist_answers_but_neither_publishes_nor_rejects(client, article, clinic, dana):
    comment = post(article, clinic)
    client.force_login(dana)
    html = dashboard(client)
    assert reverse("admin:comments_comment_answer", args=[comment.pk]) in html
    assert reverse("admin:comments_comment_approve", args=[comment.pk]) not in html
    for decision in ("approve", "reject"):
        url = reverse(f"admin:comments_comment_{decision}", args=[comment.pk])
        assert client.post(url).status_code == 403
    assert refreshed(comment).status == Comment.Status.WAITING


def test_the_answer_page_says_how_the_answer_is_signed_and_publishes_it(
    client, article, clinic, editor
):
    comment = post(article, clinic, body="Is ice better than heat?")
    client.force_login(editor)
    url = reverse("admin:comments_comment_answer", args=[comment.pk]) + "?next=/admin/"
    page = client.get(url).content.decode()
    assert "Is ice better than heat?" in page
    assert "Answered by Sam Lee, Test Clinic" in page
    empty = client.post(url, {"body": "", "next": "/admin/"})
    assert "Please write the answer." in empty.content.decode()
    done = client.post(url, {"body": "Either; heat for stiffness.", "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert refreshed(comment).status == Comment.Status.APPROVED
    assert Email.objects.get().kind == "comment_answered"


def test_the_answer_page_never_sends_staff_to_another_site(client, article, clinic, editor):
    comment = post(article, clinic)
    client.force_login(editor)
    url = reverse("admin:comments_comment_answer", args=[comment.pk])
    page = client.get(url + "?next=javascript:alert(1)").content.decode()
    assert "javascript:" not in page
    done = client.post(url, {"body": "Hi", "next": "https://evil.example/"})
    assert done["Location"] == reverse("admin:index")


def test_an_account_without_a_role_sees_and_decides_nothing(client, article, clinic):
    comment = post(article, clinic, body="Private-ish words")
    nobody = UserFactory(username="nobody")
    assert moderation.waiting_for(nobody) == []
    assert not moderation.comments_visible_to(nobody).exists()
    client.force_login(nobody)
    assert "Private-ish words" not in dashboard(client)
    url = reverse("admin:comments_comment_approve", args=[comment.pk])
    assert client.post(url).status_code == 403


def test_the_comments_list_is_found_by_address_but_never_shows_it(client, article, clinic, desk):
    post(article, clinic, email="findme@example.com", body="Found")
    post(article, clinic, email="other@example.com", body="Other")
    client.force_login(desk)
    listed = client.get(reverse("admin:comments_comment_changelist") + "?q=findme@example.com")
    html = listed.content.decode()
    assert "Found" in html
    assert "Other" not in html
    assert "findme@example.com</" not in html


def test_the_dashboard_reads_a_fixed_number_of_queries(client, article, clinic, desk):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(queries)

    client.force_login(desk)
    for n in range(2):
        comment = post(article, clinic, email=f"q{n}@example.com", body=f"Q{n}")
        comment.answers.create(body="A", author_name="Dana", created_at=comment.created_at)
    small = count()
    for n in range(18):
        post(article, clinic, email=f"m{n}@example.com", body=f"More {n}")
    assert count() == small
