"""What happens to a comment: a reader posts it, staff publish, reject or answer it, the reader
deletes it from their email's link. Each change is one transaction with its email."""

from django.db import transaction
from django.utils import timezone

from articles.comments import notifications, rules
from articles.comments.models import Answer, Comment
from clinic import limiter

MODERATE = "comments.moderate_comment"
ANSWER = "comments.answer_comment"


class CommentsClosed(Exception):
    """Raised with a message fit to show the reader next to the form."""


class AlreadyDecided(Exception):
    """Someone else published or rejected it first."""


def may_moderate(user):
    return user.has_perm(MODERATE)


def may_answer(user):
    return user.has_perm(ANSWER)


def post_comment(*, article, name, email, body, client_key, clinic, now=None) -> Comment:
    """Keep a reader's comment for staff to read; nothing shows or is sent until they publish
    it. Raises CommentsClosed or limiter.LimitReached, storing and counting nothing."""
    now = now or timezone.now()
    if not rules.is_open(article, clinic, now):
        raise CommentsClosed(
            "Comments on this article are closed. Please call or email us with your question."
        )
    with transaction.atomic():
        limiter.spend("comment", address=client_key, contact=email, now=now)
        return Comment.objects.create(
            article=article, name=name, email=email, body=body, created_at=now
        )


def _decide(comment, *, status, by, now, reason=""):
    """Lock the comment and record the decision, or raise AlreadyDecided."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.status != Comment.Status.WAITING:
        raise AlreadyDecided(f"This comment was already {locked.get_status_display().lower()}.")
    locked.status = status
    locked.decided_at = now
    locked.decided_by = by
    locked.rejection_reason = reason
    locked.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    return locked


def approve(comment, *, by, clinic, now=None) -> Comment:
    """Publish the comment and tell the reader (with the answer, when one waits with it)."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = _decide(comment, status=Comment.Status.APPROVED, by=by, now=now)
        answered = comment.answers.exists()
        notifications.tell_reader(comment, answered=answered, clinic=clinic, now=now)
    return comment


def reject(comment, *, by, reason="", now=None) -> Comment:
    """Never show it; the reason stays with staff. The reader is not told (a spammer learns
    nothing), and the register deletes it after REJECTED_KEPT."""
    with transaction.atomic():
        return _decide(
            comment, status=Comment.Status.REJECTED, by=by, now=now or timezone.now(),
            reason=reason.strip(),
        )  # fmt: skip


def signature_of(user):
    """The name and letters an answer is published under: a therapist's own (from the profile
    linked to the account), otherwise the staff member's name (shown with the clinic's)."""
    therapist = getattr(user, "therapist", None)
    if therapist is not None:
        return therapist.name, therapist.credentials
    return user.get_full_name() or user.get_username(), ""


def answer(comment, *, by, body, clinic, now=None) -> Answer:
    """Publish an answer under the comment as `by`. On a published comment the reader is told
    at once. On one still waiting, an answerer who may also publish publishes both; otherwise
    the answer waits with the comment, and goes out when staff publish it."""
    now = now or timezone.now()
    name, credentials = signature_of(by)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status == Comment.Status.REJECTED:
            raise AlreadyDecided("This comment was rejected, so it cannot be answered.")
        reply = Answer.objects.create(
            comment=comment,
            body=body,
            author=by,
            author_name=name,
            author_credentials=credentials,
            created_at=now,
        )
        if comment.status == Comment.Status.WAITING and may_moderate(by):
            comment = _decide(comment, status=Comment.Status.APPROVED, by=by, now=now)
        if comment.status == Comment.Status.APPROVED:
            notifications.tell_reader(comment, answered=True, clinic=clinic, now=now)
    return reply


def delete_by_reader(comment):
    """The reader's own link: the comment and its answers go, whatever their state."""
    comment.delete()
