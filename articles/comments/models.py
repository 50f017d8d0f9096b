"""Readers' comments under articles and the clinic's answers to them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_delete_token():
    return secrets.token_urlsafe(32)


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.APPROVED)

    def waiting(self):
        return self.filter(status=Comment.Status.WAITING)

    def by_email(self, emails):
        """The comments left with any of these addresses (as typed, in any case)."""
        given = Q(pk__in=[])
        for email in emails:
            given |= Q(email__iexact=email)
        return self.filter(given)


class Comment(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a decision"
        APPROVED = "approved", "Published"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    name = models.CharField(max_length=80)
    # Never shown on the site: only used to tell the reader about their comment.
    email = models.EmailField(max_length=254, blank=True)
    body = models.TextField("comment or question")
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    created_at = models.DateTimeField("posted")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Internal: why staff rejected it, never shown or sent to the reader.
    rejection_reason = models.TextField(blank=True)
    # The secret of the link in the reader's email that deletes the comment.
    delete_token = models.CharField(
        max_length=64, unique=True, default=new_delete_token, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [
            ("moderate_comment", "Can publish and reject readers' comments"),
            ("answer_comment", "Can answer readers' comments"),
        ]
        indexes = [models.Index(fields=["article", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(decided_at__isnull=False),
                name="comment_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # its post_save still sees the status stored before
        self._stored_status = self.status

    # The status the database holds, as last read or written (None: not stored yet), so a change
    # can tell whether the comment was on the article's page before it (is_or_was_published).
    _stored_status = None

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        comment = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # Not read (deferred): unknown, so taken as published (a needless bump, never a stale page).
        comment._stored_status = comment.__dict__.get("status", cls.Status.APPROVED)
        return comment

    def is_or_was_published(self):
        """Whether a change to it changes the article's page: it is published, or was until
        this change. One still waiting, or rejected unseen, is on no page."""
        return self.Status.APPROVED in (self.status, self._stored_status)

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class Answer(models.Model):
    """A clinician's answer, published under the comment with the name and credentials the
    author had when answering (kept as written: a later change of title does not rewrite it)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField("answer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(max_length=150)
    # A therapist's letters ("RMT"); empty for staff without a therapist profile, who answer
    # in the clinic's name ("Sam Lee, Maple Street Clinic").
    author_credentials = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField("answered")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Answer by {self.author_name}"

    def is_or_was_published(self):
        """Whether it shows under the article: its comment is published. One waiting with its
        comment shows only when the comment is published, which changes the page anyway."""
        if Answer.comment.is_cached(self):
            return self.comment.status == Comment.Status.APPROVED
        # Deleted with its comment, say: the comment is still there while its answers go.
        return Comment.objects.published().filter(pk=self.comment_id).exists()
