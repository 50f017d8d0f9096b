"""Reading the admin's links: an id or an instant from the address, or None. Every admin view
that takes one from a query string (the add form, moving a visit, the caller lookup) reads it
here, so a crafted link is ignored, never a 500."""

import datetime

from django.utils import timezone

from booking.rules import schedule

# Bigger than any primary key (a bigint has 19 digits), small enough for every database.
LONGEST_ID = 18
# A start a link may carry: a day back (a form left open overnight), up to the booking horizon.
EARLIEST = datetime.timedelta(days=1)


def read_id(value):
    """A primary key: ASCII digits only ("²" and "٣" pass isdigit(), then fail int())."""
    text = value if isinstance(value, str) else str(value or "")
    if text.isascii() and text.isdecimal() and len(text) <= LONGEST_ID:
        return int(text)
    return None


def read_instant(value, *, zone=None, now=None):
    """An ISO 8601 instant between now − 1 day and now + schedule.REACH, or None. Without an
    offset it is read in `zone` (the form's script sends clinic wall clock), or refused."""
    try:
        moment = datetime.datetime.fromisoformat(value or "")
        if moment.tzinfo is None:
            if zone is None:
                return None
            moment = moment.replace(tzinfo=zone)
        now = now or timezone.now()
        # Comparing converts to UTC, which overflows at the calendar's ends (year 1 or 9999).
        within = now - EARLIEST <= moment <= now + schedule.REACH
    except (TypeError, ValueError, OverflowError):
        return None
    return moment if within else None
