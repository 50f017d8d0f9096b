"""The one limiter: every public post that stores a row or sends an email (a booking request,
a waitlist sign-up, a patient's move, a sign-in link; later ones too) goes through it, so nobody
can use the clinic to hold its calendar or send mail.

Each kind of post has a rule: so many per internet address per hour and so many per contact
(an email address, a phone, a visit) per day. Counts are rows in the database, so they hold
across processes and servers; only keyed hashes are stored. A view is marked with
`@limited(action)`; the service then `spend`s, in the transaction that stores, so a post that
fails stores nothing and counts nothing. tests/clinic/test_limiter.py fails for a public view
that takes a POST and is neither limited nor in NOT_COUNTED with its reason.
"""

import datetime
import functools
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from clinic.models import LimitedAction

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    per_address_hour: int
    per_contact_day: int
    # What the person is told when the contact (an email, a phone, a visit) had its day's
    # worth; fit to show next to the form, which keeps what they typed.
    contact_message: str = (
        "We have had several of these for this email address or phone today. Please try "
        "again tomorrow, or call us and we will help."
    )


# When one internet address had its hour's worth (a family's or an office's shared connection
# may: they are told when to try again).
ADDRESS_MESSAGE = (
    "We have had many of these from your internet connection in the last hour. Please try "
    "again in an hour, or call us and we will help."
)
RULES = {
    # The clinic's own policy sets the figures for requests (rule_for).
    "request": Rule(per_address_hour=5, per_contact_day=6),
    "waitlist": Rule(per_address_hour=5, per_contact_day=3),
    # Per visit: a patient may change their mind; 131 moves in 40 s is not a patient.
    "move": Rule(
        per_address_hour=10,
        per_contact_day=3,
        contact_message=(
            "This visit has been moved several times today. Please call us to change it."
        ),
    ),
    "sign_in": Rule(per_address_hour=5, per_contact_day=5),
    # A reader's comment under an article (per email address a day).
    "comment": Rule(per_address_hour=5, per_contact_day=5),
    # A mailing-list sign-up: each sends a confirmation email to the address given.
    "subscribe": Rule(per_address_hour=5, per_contact_day=2),
}
# Public posts the limiter does not count, each with why it cannot be used to hold the calendar
# or send a flood (tests/clinic/test_limiter.py fails for any other public post not limited).
NOT_COUNTED = {
    "booking:start": "turns the chosen service into a sealed address, as a link would",
    "booking:welcome_back": "spends a link the clinic emailed, once; stores and sends nothing",
    "booking:waitlist_confirm": "confirms an entry once, from its emailed link; sends nothing",
    "booking:cancel": "cancels one visit once, from its emailed link: its emails go once",
    "staff_set_password": "sets a password once, from the owner's emailed invitation; sends nothing",
    "mailing:confirm": "confirms a sign-up once, from its emailed link; sends nothing",
    "mailing:unsubscribe": "takes one address off the list, from the link in its digest (RFC 8058 "
    "one-click); sends nothing",
    "comments:delete": "deletes one reader's comment, from the link in their email; sends nothing",
}


class LimitReached(Exception):
    """Raised with a message fit to show the person; nothing they typed is lost."""


def key(value):
    """A keyed hash: counts one address or contact without keeping it (the key is the site's
    secret, so the hash cannot be looked up)."""
    if not value:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def address_key(request):
    # Imported here: django-axes reads the proxy settings (DJANGO_PROXY_COUNT) to find the
    # visitor's own address behind Caddy.
    from axes.helpers import get_client_ip_address

    return key(get_client_ip_address(request) or "")


def rule_for(action, clinic=None):
    """The rule of `action`; for requests, the clinic's own policy (Clinic admin): its hourly
    figure per address, and a day's requests per contact three times the visits one contact may
    hold (room to cancel and book again, none to cycle holds all day)."""
    rule = RULES[action]
    if action == "request" and clinic is not None:
        return Rule(
            clinic.max_requests_per_address_hour,
            3 * clinic.max_holds_per_contact,
            rule.contact_message,
        )
    return rule


def lock(action, *values):
    """Inside a transaction, make two counts of `action` for one of `values` wait for each
    other until commit, so a count and the row it allows agree. PostgreSQL takes an advisory
    lock per value; SQLite's IMMEDIATE transactions already hold the one write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for value in values:
                if value:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [action + value])


def over_the_hour(action, address, *, now, clinic=None):
    if not address:  # a post with no known address (a test, a local command) is not counted
        return False
    recent = LimitedAction.objects.filter(action=action, address_key=address, at__gt=now - HOUR)
    return recent.count() >= rule_for(action, clinic).per_address_hour


def spend(action, *, address, contact, clinic=None, now=None):
    """Count one post of `action` from `address` (a key) for `contact` (plain; hashed here), or
    raise LimitReached and count nothing. Call it inside the transaction that stores."""
    now = now or timezone.now()
    rule = rule_for(action, clinic)
    contact = key(contact)
    with transaction.atomic():
        lock(action, address, contact)
        if over_the_hour(action, address, now=now, clinic=clinic):
            raise LimitReached(ADDRESS_MESSAGE)
        today = LimitedAction.objects.filter(action=action, contact_key=contact, at__gt=now - DAY)
        if contact and today.count() >= rule.per_contact_day:
            raise LimitReached(rule.contact_message)
        LimitedAction.objects.create(
            action=action, address_key=address, contact_key=contact, at=now
        )


def limited(action):
    """Mark a public view whose POST stores or sends (`action` of RULES) and give it the
    visitor's address key (`request.limit_address`). The view's service spends; its refusal
    is shown next to the form, which keeps what was typed (no bare error page)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.limit_address = address_key(request)
            return view(request, *args, **kwargs)

        wrapper.limited_as = action
        return wrapper

    return decorate
