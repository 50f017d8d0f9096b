"""What staff may read of the mailing list: everyone who looks after the library sees how many
are subscribed and which digests went (Digest); the addresses themselves only the owner, who
holds the list (mailing.view_subscriber, mailing.export_subscribers)."""

from django.utils import timezone

from articles.mailing import digest
from articles.mailing.models import Digest, Subscriber


def subscribers_visible_to(user):
    if user.has_perm("mailing.view_subscriber"):
        return Subscriber.objects.all()
    return Subscriber.objects.none()


def subscribers_to_export(user):
    """The confirmed list, for the owner's own records; nothing for anyone else."""
    if not user.has_perm("mailing.export_subscribers"):
        return Subscriber.objects.none()
    return subscribers_visible_to(user).confirmed().order_by("confirmed_at", "pk")


def summary(clinic, now=None):
    """The figures at the top of the digests' page: no address in them."""
    now = now or timezone.now()
    return {
        "confirmed": Subscriber.objects.confirmed().count(),
        "waiting": Subscriber.objects.unconfirmed().count(),
        "schedule": digest.schedule_in_words(clinic),
        "last": Digest.objects.first(),
    }
