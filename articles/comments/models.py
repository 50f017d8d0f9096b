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
