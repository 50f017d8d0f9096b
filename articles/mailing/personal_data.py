"""The mailing list in the register of personal data (clinic/personal_data.py)."""

from articles.mailing.models import Subscriber, Unsubscribed
from articles.mailing.services import CONFIRM_LASTS
from clinic.personal_data import Holding, plural
from emails.outbox import recipient_key


def _purge(clinic, now):
    # Never confirmed: the address's owner may never have asked (anyone can type an address).
    unconfirmed = Subscriber.objects.unconfirmed().filter(asked_at__lt=now - CONFIRM_LASTS)
    removed, _ = unconfirmed.delete()
    return f"remove {plural(removed, 'unconfirmed sign-up')}"


def _theirs(person):
    return Subscriber.objects.filter(email__in=person.emails)


def _erase(person):
    # A confirmed address leaves as an unsubscribe does: its keyed hash stays, so the digest
    # never mails it again (the hash names no one and cannot be looked up).
    for email_key in _theirs(person).confirmed().values_list("email_key", flat=True):
        Unsubscribed.objects.get_or_create(email_key=email_key)
    _theirs(person).delete()


def _export(person):
    keys = [recipient_key(email) for email in person.emails]
    return {
        "subscriptions": [
            {
                "email": subscriber.email,
                "asked_at": subscriber.asked_at.isoformat(),
                "where": f"{subscriber.get_place_display()} ({subscriber.path})",
                "wording_shown": subscriber.wording,
                "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
                "last_digest_at": (
                    subscriber.last_digest_at and subscriber.last_digest_at.isoformat()
                ),
            }
            for subscriber in _theirs(person)
        ],
        "unsubscribed_at": [
            left.isoformat()
            for left in Unsubscribed.objects.filter(email_key__in=keys).values_list("at", flat=True)
        ],
    }


HOLDINGS = [
    Holding(
        key="mailing_list",
        title="Mailing list",
        kept=(
            "A sign-up keeps the email address with when and where it was given and the words "
            "the form showed (the consent record); one not confirmed from its email is deleted "
            f"after {CONFIRM_LASTS.days} days. A subscriber is kept until they unsubscribe; then "
            "only a keyed hash of the address stays, so it is never mailed again."
        ),
        models=("mailing.Subscriber", "mailing.Unsubscribed"),
        purge=_purge,
        erase=_erase,
        export=_export,
    ),
]
