"""The mailing list's records: who asked to be on it and how (the consent CASL asks us to keep),
who left it (a keyed hash only), and each digest sent."""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import Article


def new_token():
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.exclude(confirmed_at=None)

    def unconfirmed(self):
        return self.filter(confirmed_at=None)


class Subscriber(models.Model):
    """One address on the list, or asking to be: nothing but its confirmation email is sent to
    it until it confirms from that email (double opt-in).

    The consent record: `asked_at` with `place`, `path` and `wording` (what the form said, word
    for word, where it was), then `confirmed_at` (when the address's owner said yes)."""

    class Place(models.TextChoices):
        ARTICLE = "article", "Under an article"
        LIBRARY = "library", "The library's list"
        FOOTER = "footer", "A page's footer"
        PAGE = "newsletter", "The mailing list's page"

    email = models.EmailField(max_length=254)
    # The outbox's keyed hash of the address (emails.outbox.recipient_key), to match it against
    # the addresses that left (Unsubscribed) and the outbox's rows without the address itself.
    email_key = models.CharField(max_length=64, db_index=True)
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    asked_at = models.DateTimeField(default=timezone.now)
    place = models.CharField(max_length=12, choices=Place)
    path = models.CharField("page", max_length=200)
    wording = models.TextField("consent wording shown")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        permissions = [("export_subscribers", "Can export the mailing list")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="mailing_one_subscriber_per_address"),
        ]

    def __str__(self):
        return f"Subscriber {self.pk}"


class Unsubscribed(models.Model):
    """An address that left the list, kept only as a keyed hash: the digest never mails it
    again, unless it signs up and confirms anew (after `at`)."""

    email_key = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "unsubscribed address"
        verbose_name_plural = "unsubscribed addresses"

    def __str__(self):
        return f"Unsubscribed {self.pk}"


class Digest(models.Model):
    """One run of the digest: when, to how many subscribers, with which articles."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    articles = models.ManyToManyField(Article, blank=True, related_name="digests")

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Digest of {self.started_at:%Y-%m-%d}"
