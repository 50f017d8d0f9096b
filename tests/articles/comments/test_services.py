"""What happens to a comment (articles/comments/services.py) and when comments close
(articles/comments/rules.py)."""

import datetime

import pytest
from django.core import mail

from articles.comments import rules, services
from articles.comments.models import Comment
from emails.models import Email
from tests.articles.comments.conftest import post, refreshed

pytestmark = pytest.mark.django_db


def emails_to(address):
    return list(Email.objects.filter(to=address).order_by("pk"))


def test_a_posted_comment_waits_and_sends_nothing(waiting):
    assert waiting.status == Comment.Status.WAITING
    assert not Comment.objects.published().exists()
    assert Email.objects.count() == 0


def test_publishing_tells_the_reader_without_what_they_typed_in_the_subject(
    article, clinic, desk, django_capture_on_commit_callbacks
):
    comment = post(article, clinic, name="Alex Q", body="My sciatica flares up at night")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment, by=desk, clinic=clinic)
    [sent] = mail.outbox
    assert sent.to == ["alex@example.com"]
    assert sent.subject == "Your comment is published on Test Clinic's health library"
    assert "sciatica" not in sent.subject
    assert "Alex" not in sent.subject
    assert f"/articles/massage-low-back-pain/#comment-{comment.pk}" in sent.body
    assert f"/comments/delete/{comment.delete_token}/" in sent.body
    comment = refreshed(comment)
    assert (comment.status, comment.decided_by) == (Comment.Status.APPROVED, desk)


def test_the_plain_text_emails_start_at_the_margin_with_paragraphs(
    waiting, clinic, desk, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(waiting, by=desk, clinic=clinic)
        services.answer(waiting, by=editor, body="Thank you.", clinic=clinic)
    published, answered = mail.outbox
    assert "now published" in published.body
    assert "with an answer" in answered.body
    for body in (published.body, answered.body):
        lines = body.splitlines()
        assert lines[0] == "Hello Alex,"
        assert not [line for line in lines if line.startswith(" ")]
        paragraphs = body.split("\n\n")
        assert paragraphs[1].startswith("Thank you for your comment on")
        assert any(paragraph.startswith("http") for paragraph in paragraphs)
        assert any(paragraph.startswith("If you would rather") for paragraph in paragraphs)


def test_a_comment_is_decided_once(waiting, clinic, desk, editor):
    services.approve(waiting, by=desk, clinic=clinic)
    with pytest.raises(services.AlreadyDecided, match="already published"):
        services.reject(waiting, by=editor, reason="spam")
    assert refreshed(waiting).status == Comment.Status.APPROVED
    assert len(emails_to("alex@example.com")) == 1


def test_rejecting_keeps_the_reason_for_staff_and_tells_nobody(waiting, desk):
    services.reject(waiting, by=desk, reason="  Advertises a product ")
    comment = refreshed(waiting)
    assert (comment.status, comment.rejection_reason) == ("rejected", "Advertises a product")
    assert Email.objects.count() == 0


def test_a_therapist_answers_as_herself_with_her_credentials(published, clinic, dana):
    answer = services.answer(published, by=dana, body="Yes, gently.", clinic=clinic)
    assert (answer.author_name, answer.author_credentials) == ("Dana Whitfield", "RMT")
    [first, second] = emails_to("jo@example.com")
    assert (first.kind, second.kind) == ("comment_published", "comment_answered")
    assert second.subject == "Your comment has an answer from Test Clinic"


def test_an_editor_without_a_profile_answers_with_their_name(published, clinic, editor):
    answer = services.answer(published, by=editor, body="See our article.", clinic=clinic)
    assert (answer.author_name, answer.author_credentials) == ("Sam Lee", "")


def test_a_therapists_answer_to_a_waiting_comment_waits_for_the_desk(waiting, clinic, dana, desk):
    services.answer(waiting, by=dana, body="Often, yes.", clinic=clinic)
    assert refreshed(waiting).status == Comment.Status.WAITING  # a therapist does not publish
    assert Email.objects.count() == 0
    services.approve(waiting, by=desk, clinic=clinic)
    [told] = emails_to("alex@example.com")
    assert told.kind == "comment_answered"  # one email: published, with its answer


def test_an_editors_answer_publishes_the_waiting_comment_with_it(waiting, clinic, editor):
    services.answer(waiting, by=editor, body="Often, yes.", clinic=clinic)
    assert refreshed(waiting).status == Comment.Status.APPROVED
    assert [email.kind for email in emails_to("alex@example.com")] == ["comment_answered"]


def test_a_rejected_comment_cannot_be_answered(waiting, clinic, desk, editor):
    services.reject(waiting, by=desk)
    with pytest.raises(services.AlreadyDecided):
        services.answer(waiting, by=editor, body="Hello", clinic=clinic)
    assert not waiting.answers.exists()


# Closing rules


def test_comments_close_the_set_number_of_days_after_publishing(article, clinic, now):
    clinic.comments_open_days = 8
    assert rules.is_open(article, clinic, now)
    assert rules.closes_at(article, clinic) == now + datetime.timedelta(days=1)
    assert not rules.is_open(article, clinic, now + datetime.timedelta(days=1))
    with pytest.raises(services.CommentsClosed, match="closed"):
        post(article, clinic, at=now + datetime.timedelta(days=1))
    assert not Comment.objects.exists()


def test_an_article_closed_by_an_editor_takes_no_comment(article, clinic):
    article.comments_closed = True
    article.save()
    assert not rules.is_open(article, clinic)
    with pytest.raises(services.CommentsClosed):
        post(article, clinic)


def test_a_draft_takes_no_comment(article, clinic):
    article.status = article.Status.DRAFT
    article.save()
    with pytest.raises(services.CommentsClosed):
        post(article, clinic)


def test_staff_still_publish_and_answer_after_comments_close(waiting, article, clinic, editor):
    article.comments_closed = True
    article.save()
    services.answer(waiting, by=editor, body="Yes.", clinic=clinic)
    assert refreshed(waiting).status == Comment.Status.APPROVED


def test_an_address_gets_at_most_five_comment_emails_a_day(article, clinic, desk, now):
    for n in range(6):
        # Posted over six days (the form takes five a day from one address), published today.
        comment = post(
            article, clinic, body=f"Question {n}", at=now - datetime.timedelta(days=5 - n)
        )
        services.approve(comment, by=desk, clinic=clinic)
    statuses = [email.status for email in Email.objects.order_by("pk")]
    assert statuses.count(Email.Status.HELD) == 1
