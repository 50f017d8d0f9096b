"""The outbox: the one way the site sends email.

`compose` renders an email from its templates; `send` stores it in the outbox, in the same
transaction as the change that caused it, and the worker delivers it once that commits
(`emails.tasks.deliver`), retrying with back-off while the mail server is away; an email that
fails for good is marked failed and listed on the admin's dashboard. Nothing else in the project
sends mail: tests run with a backend that refuses any message that did not come through here
(emails/testing.py).

The outbox also keeps anyone from making the clinic send a flood to one address: the kinds of
email a stranger could set off for someone else's address (waitlist, sign-in links) go to one
address at most DAILY_CAP_BY_KIND[kind] times a day. What goes over is held back (recorded,
never sent): the page already told the visitor to check their email, and the address's owner
asked for none of them. Emails about an appointment are never held back: they must arrive, and
the public posts that cause them are limited (clinic/limiter.py).
"""

import base64
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clinic import limiter
from emails.models import Email

logger = logging.getLogger(__name__)

DAILY_CAP_BY_KIND = {
    # Confirming a waitlist address: one for each of the three entries an address may hold.
    "waitlist_confirm": 3,
    # One offer a day and one "it was taken" a day, however many entries an address has.
    "waitlist_offer": 1,
    "waitlist_taken": 1,
    "sign_in": 3,
    # A mailing-list sign-up's confirmation: anyone may type anyone's address into the form.
    "mailing_confirm": 2,
    # A comment's emails go to whatever address its writer typed, once staff publish or answer
    # it: as many a day as the comment limiter lets one address post (clinic/limiter.py).
    "comment_published": 5,
    "comment_answered": 5,
}
DAY = datetime.timedelta(days=1)

# The order the worker takes emails in (django-tasks-db runs the highest priority first, then the
# oldest): appointment emails and links someone is waiting for at the default, the mailing list's
# digest below it, so a booking email queued behind ten thousand digests leaves next.
PRIORITY_DEFAULT = 0
PRIORITY_BULK = -50


def recipient_key(address):
    """A keyed hash of an address (the limiter's): counts what one address was sent, without
    keeping it."""
    return limiter.key(address)


def absolute(path):
    """A link for an email: the path on the site's public address (SITE_URL; https in
    production), since an email is read away from the page that caused it."""
    return settings.SITE_URL.rstrip("/") + path


def compose(kind, context, *, to, clinic):
    """One email from emails/<kind>_subject.txt, <kind>.txt and <kind>.html, times in clinic
    time; plain text through the "text" engine (no HTML escaping), replies to the clinic."""
    with timezone.override(clinic.zone):
        subject = render_to_string(f"emails/{kind}_subject.txt", context, using="text")
        text = render_to_string(f"emails/{kind}.txt", context, using="text")
        html = render_to_string(f"emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[clinic.email] if clinic.email else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def _over_cap(kind, key, now):
    cap = DAILY_CAP_BY_KIND.get(kind)
    if cap is None:
        return False
    # Two sends at once to one address wait for each other, so the count and the row agree.
    limiter.lock(f"outbox-{kind}", key)
    sent_today = Email.objects.filter(recipient_key=key, kind=kind, created_at__gt=now - DAY)
    return sent_today.exclude(status=Email.Status.HELD).count() >= cap


def send(message, *, kind, about="", now=None, not_before=None, priority=PRIORITY_DEFAULT):
    """Put a composed email in the outbox; it leaves once the caller's transaction commits, and
    not before `not_before` where the worker can wait (production's
    database queue; tests and development send at once). The worker takes emails of a higher
    `priority` first (PRIORITY_BULK for a mailing: after every appointment email waiting).
    The message's own headers (extra_headers: a digest's List-Unsubscribe) go with it.

    Returns the stored email, or None when there is no address or the address had enough
    emails of this kind today (then a held-back row records it, without address or message).
    """
    now = now or timezone.now()
    address = message.to[0] if message.to else ""
    if not address:
        # A caller booked by phone without an email address: the front desk tells them.
        logger.info("Email %s about %s not sent: no address.", kind, about or "-")
        return None
    key = recipient_key(address)
    if _over_cap(kind, key, now):
        Email.objects.create(
            kind=kind, status=Email.Status.HELD, recipient_key=key, about=about, created_at=now
        )
        logger.warning("Email %s about %s held back: the address had enough today.", kind, about)
        return None
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
    )
    email = Email.objects.create(
        kind=kind,
        to=address,
        recipient_key=key,
        reply_to=(message.reply_to or [""])[0],
        subject=message.subject,
        text=message.body,
        html=html,
        attachments=[
            _stored(name, content, mimetype) for name, content, mimetype in message.attachments
        ],
        headers=dict(message.extra_headers),
        priority=priority,
        about=about,
        created_at=now,
    )
    from emails.tasks import queued  # the task module imports this one

    task = queued(priority=priority, run_after=not_before)
    transaction.on_commit(lambda: task.enqueue(email_id=email.pk))
    return email


def withdraw(*, about, since, now=None):
    """Take back the emails about `about` stored since `since` that have not left: they are
    never sent (the worker skips them) and their contents are not kept. Returns False, and
    withdraws nothing, if one of them has already been sent or tried: the person has it."""
    now = now or timezone.now()
    emails = Email.objects.filter(about=about, created_at__gte=since)
    emails = emails.exclude(status__in=[Email.Status.HELD, Email.Status.WITHDRAWN])
    if emails.exclude(status=Email.Status.QUEUED, attempts=0).exists():
        return False
    emails.update(
        status=Email.Status.WITHDRAWN, finished_at=now,
        to="", subject="", text="", html="", attachments=[], headers={},
    )  # fmt: skip
    return True


def message_of(email):
    """The stored email as Django's message, ready to send."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={**email.headers, OUTBOX_HEADER: str(email.pk)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        content = attachment["content"]
        if attachment.get("encoding") == "base64":
            content = base64.b64decode(content)
        message.attach(attachment["name"], content, attachment["mimetype"])
    return message


def _stored(name, content, mimetype):
    """An attachment as the outbox's row keeps it: text as it is (calendar files), bytes (a
    receipt's PDF) in base64, as JSON holds only text."""
    if isinstance(content, bytes):
        return {
            "name": name,
            "content": base64.b64encode(content).decode("ascii"),
            "mimetype": mimetype,
            "encoding": "base64",
        }
    return {"name": name, "content": content, "mimetype": mimetype}


# Marks a message as the outbox's own (emails/testing.py refuses any other); names only an id.
OUTBOX_HEADER = "X-Clinic-Outbox"
