"""The digest: each confirmed subscriber gets the articles published since their last one, on
the clinic's schedule (Clinic.digest_every_days at digest_hour, clinic time), through the outbox
at the mailing's priority, so it never holds up an appointment email.

Subscribers are taken BATCH at a time, each batch in its own transaction with the emails it
queues and the subscribers' `last_digest_at`: memory stays flat for any size of list, and a run
cut short (a restart) is taken up where it stopped by the next, to the same moment."""

import bisect
import datetime

from django.db import transaction
from django.db.models import F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from articles.mailing.models import Digest, Subscriber, Unsubscribed
from articles.models import Article
from emails import outbox

BATCH = 500
# RFC 8058: a mail provider's "Unsubscribe" button posts this to the List-Unsubscribe address.
ONE_CLICK = "List-Unsubscribe=One-Click"


def due(clinic, now):
    """The run to make now: one cut short, or a new one once the schedule says so; else None."""
    last = Digest.objects.first()
    if last is not None and last.finished_at is None:
        return last
    if not clinic.digest_every_days:
        return None
    local = timezone.localtime(now, clinic.zone)
    if local.hour < clinic.digest_hour:
        return None
    if last is not None:
        last_day = timezone.localtime(last.started_at, clinic.zone).date()
        if local.date() - last_day < datetime.timedelta(days=clinic.digest_every_days):
            return None
    return Digest(started_at=now)


def schedule_in_words(clinic):
    days = clinic.digest_every_days
    if not days:
        return "No digest is sent (the clinic's settings say 0 days)."
    every = {1: "Every day", 7: "Every week"}.get(days, f"Every {days} days")
    return f"{every}, from {clinic.digest_hour}:00 clinic time, when there are new articles."


def send(clinic, digest):
    """Queue each confirmed subscriber's email with the articles published since their last
    digest (or since they confirmed) up to the run's start; none for a subscriber with nothing
    new. Returns the digest, finished, with how many were sent and which articles."""
    digest.save()
    until = digest.started_at
    newest = _ArticlesSince(until)
    after = 0
    while True:
        with transaction.atomic():
            batch = list(_receiving(until).filter(pk__gt=after)[:BATCH])
            if not batch:
                break
            mailed = [subscriber.pk for subscriber in batch if _mail(clinic, subscriber, newest)]
            Subscriber.objects.filter(pk__in=mailed).update(last_digest_at=until)
            Digest.objects.filter(pk=digest.pk).update(recipients=digest.recipients + len(mailed))
            digest.recipients += len(mailed)
        after = batch[-1].pk
    digest.finished_at = timezone.now()
    digest.save(update_fields=["finished_at"])
    digest.articles.add(*newest.sent)
    return digest


def _receiving(until):
    """Confirmed subscribers not yet sent this run's digest, never an address that left the
    list after it last confirmed (its keyed hash is in Unsubscribed)."""
    left = Unsubscribed.objects.filter(email_key=OuterRef("email_key")).values("at")[:1]
    return (
        Subscriber.objects.confirmed()
        .filter(confirmed_at__lte=until)
        .filter(Q(last_digest_at=None) | Q(last_digest_at__lt=until))
        .annotate(left_at=Subquery(left))
        .filter(Q(left_at=None) | Q(left_at__lt=F("confirmed_at")))
        .order_by("pk")
    )


class _ArticlesSince:
    """The articles published after a subscriber's moment (their last digest, or when they
    confirmed) and up to the run's start, as the email shows them. Read once per run, from the
    earliest moment of any subscriber still to receive it; each subscriber's are then picked in
    Python, so a list whose subscribers all confirmed at different times asks no query each."""

    def __init__(self, until):
        self.until = until
        self.sent = set()
        earliest = _receiving(until).aggregate(
            earliest=Min(Coalesce("last_digest_at", "confirmed_at"))
        )["earliest"]
        articles = []
        if earliest is not None:
            articles = list(
                Article.objects.published(now=until)
                .filter(published_at__gt=earliest)
                .order_by("published_at", "pk")
                .only("pk", "title", "summary", "slug", "published_at")
            )
        self.published_at = [article.published_at for article in articles]
        self.articles = [
            {
                "pk": article.pk,
                "title": article.title,
                "summary": article.summary,
                "url": outbox.absolute(article.get_absolute_url()),
            }
            for article in articles
        ]

    def __call__(self, since):
        # Oldest first, so those published after `since` are the list's tail.
        return self.articles[bisect.bisect_right(self.published_at, since) :]


def _mail(clinic, subscriber, newest):
    articles = newest(subscriber.last_digest_at or subscriber.confirmed_at)
    if not articles:
        return False
    unsubscribe_url = outbox.absolute(
        reverse("mailing:unsubscribe", args=[subscriber.unsubscribe_token])
    )
    context = {
        "clinic": clinic,
        "articles": articles,
        "unsubscribe_url": unsubscribe_url,
        "subscribed_on": subscriber.confirmed_at,
    }
    message = outbox.compose("digest", context, to=subscriber.email, clinic=clinic)
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.extra_headers["List-Unsubscribe-Post"] = ONE_CLICK
    outbox.send(
        message,
        kind="digest",
        about=f"subscriber:{subscriber.pk}",
        now=newest.until,
        priority=outbox.PRIORITY_BULK,
    )
    newest.sent.update(article["pk"] for article in articles)
    return True
