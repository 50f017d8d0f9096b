"""Joining and leaving the mailing list: double opt-in, and a one-click unsubscribe that keeps
only a keyed hash of the address."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.mailing.models import Subscriber, Unsubscribed, new_token
from clinic import limiter
from clinic.models import Clinic
from emails import outbox

# How long a confirmation link works; an unconfirmed sign-up is forgotten after it
# (articles/mailing/personal_data.py).
CONFIRM_LASTS = datetime.timedelta(days=7)


class LinkExpired(Exception):
    """The confirmation link is older than CONFIRM_LASTS: the reader signs up again."""


def subscribe(*, email, place, path, wording, client_key, now=None):
    """Email the address a link to confirm, and keep how it was asked (the consent record).

    The same for every address, so the page that answers cannot tell anyone whether it was on
    the list: one already confirmed is left as it is and sent nothing (its consent stands); one
    waiting gets a new link. Raises limiter.LimitReached (nothing stored or sent)."""
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        limiter.spend("subscribe", address=client_key, contact=email, now=now)
        subscriber = Subscriber.objects.filter(email=email).first()
        if subscriber is not None and subscriber.confirmed_at is not None:
            return
        subscriber = subscriber or Subscriber(email=email, email_key=outbox.recipient_key(email))
        subscriber.confirm_token = new_token()
        subscriber.asked_at = now
        subscriber.place, subscriber.path, subscriber.wording = place, path, wording
        subscriber.save()
        _send_confirmation(subscriber, now)


def _send_confirmation(subscriber, now):
    clinic = Clinic.objects.current()
    link = outbox.absolute(reverse("mailing:confirm", args=[subscriber.confirm_token]))
    context = {"clinic": clinic, "link": link, "days": CONFIRM_LASTS.days}
    message = outbox.compose("mailing_confirm", context, to=subscriber.email, clinic=clinic)
    outbox.send(message, kind="mailing_confirm", about=f"subscriber:{subscriber.pk}", now=now)


def is_expired(subscriber, now=None):
    return subscriber.confirmed_at is None and subscriber.asked_at + CONFIRM_LASTS < (
        now or timezone.now()
    )


def confirm(subscriber, *, now=None):
    """The address's owner said yes, from the emailed link: the digest goes to it from now on
    (with the articles published from now on), whatever it unsubscribed from before."""
    now = now or timezone.now()
    if subscriber.confirmed_at is not None:
        return subscriber
    if is_expired(subscriber, now):
        raise LinkExpired
    with transaction.atomic():
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
        Unsubscribed.objects.filter(email_key=subscriber.email_key).delete()
    return subscriber


def unsubscribe(subscriber, *, now=None):
    """Off the list at once: the address is forgotten but for a keyed hash that keeps the digest
    from ever mailing it again, and a digest still waiting in the outbox is withdrawn."""
    now = now or timezone.now()
    with transaction.atomic():
        Unsubscribed.objects.update_or_create(email_key=subscriber.email_key, defaults={"at": now})
        # The latest digest's email, if it has not left yet (its confirmation went before).
        since = subscriber.last_digest_at or subscriber.confirmed_at or now
        outbox.withdraw(about=f"subscriber:{subscriber.pk}", since=since, now=now)
        subscriber.delete()
