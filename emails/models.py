from django.db import models
from django.utils import timezone


class Email(models.Model):
    """One email in the outbox (emails/outbox.py): stored with the change that caused it, sent
    by the worker, retried, and listed for staff when it fails for good.

    The address and the message are personal data: they are emptied once the email is sent.
    What stays (kind, a keyed hash of the address, times) lets the outbox count what one address
    was sent, and goes with purge_personal_data after a few days.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be delivered"
        HELD = "held", "Held back: this address had enough emails today"
        WITHDRAWN = "withdrawn", "Withdrawn before it left (the change was undone)"

    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    to = models.EmailField(blank=True)
    recipient_key = models.CharField(max_length=64, db_index=True)
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # [{"name": …, "content": …, "mimetype": …}]: calendar files as text, and a receipt's PDF
    # with "encoding": "base64" (emails/outbox.py).
    attachments = models.JSONField(default=list, blank=True)
    # {"List-Unsubscribe": …}: headers of the message itself (a digest's one-click unsubscribe).
    headers = models.JSONField(default=dict, blank=True)
    # The worker's order (emails/outbox.py PRIORITY_*): kept so a retry waits in the same place.
    priority = models.SmallIntegerField(default=0)
    # What the email is about, as "<kind of record>:<id>" (e.g. "appointment:42"): ids only, so
    # the dashboard can show a failure to the staff who may see that record.
    about = models.CharField(max_length=60, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "finished_at"])]

    def __str__(self):
        return f"Email {self.pk} ({self.kind}, {self.get_status_display().lower()})"

    @property
    def about_record(self):
        """(`kind of record`, its id) from `about`: ("appointment", 42); the id None if none."""
        label, _, pk = self.about.partition(":")
        return label, int(pk) if pk.isdigit() else None
