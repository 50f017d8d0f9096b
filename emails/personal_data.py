"""The outbox in the register of personal data (clinic/personal_data.py)."""

import datetime

from django.db.models import Q

from clinic.personal_data import Holding, plural
from emails.models import Email
from emails.outbox import recipient_key

SENT_KEPT = datetime.timedelta(days=7)
FAILED_KEPT = datetime.timedelta(days=30)


def _purge(clinic, now):
    # The worker empties a sent email's address and message (emails/tasks.py); the rest stays
    # a while so the outbox can count what one address was sent.
    done = Q(status__in=[Email.Status.SENT, Email.Status.HELD], created_at__lt=now - SENT_KEPT)
    # Queued that long means stuck (the dashboard showed it): it goes with the failed ones.
    failed = Q(
        status__in=[Email.Status.FAILED, Email.Status.QUEUED], created_at__lt=now - FAILED_KEPT
    )
    removed, _ = Email.objects.filter(done | failed).delete()
    return f"remove {plural(removed, 'email')}"


def _erase(person):
    # Also what was written to the clinic's inbox about them, which names them in the message.
    to_them = Q(recipient_key__in=[recipient_key(email) for email in person.emails])
    Email.objects.filter(to_them | Q(about__in=person.about)).delete()


HOLDINGS = [
    Holding(
        key="outbox",
        title="Outbox",
        kept=(
            "An email keeps its address and message only until it is sent; what stays (the kind "
            f"of email, a keyed hash of the address, times) is deleted after {SENT_KEPT.days} "
            "days. One that could not be delivered keeps them for the front desk to call the "
            f"patient, and is deleted after {FAILED_KEPT.days} days. Emails to or about a "
            "patient go when their record is erased."
        ),
        models=("emails.Email",),
        purge=_purge,
        erase=_erase,
    ),
]
