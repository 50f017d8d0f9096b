from django import template
from django.utils import timezone
from django.utils.formats import date_format

from booking import clock
from booking.admin import markup
from booking.request.selection import Selection
from booking.rules import treatment_notes

register = template.Library()


@register.simple_tag
def sealed_selection(selection, **overrides):
    """The booking flow's sealed state with some choices changed (`start=''` drops the time)."""
    return selection.token(**overrides)


@register.simple_tag
def booking_url(service=None, therapist=None):
    """The booking flow's address with a service or therapist already chosen, sealed."""
    return Selection(service=service, therapist=therapist).url()


@register.filter
def clinic_time(value):
    """A time as patients read it, in the active (clinic) zone with the zone's abbreviation:
    "Tuesday, December 1, 2026, 9:00 AM EST". The abbreviation tells apart the two 1:30s of
    the night clocks go back."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'l, F j, Y')}, {clock.clock_with_zone(local, local.tzinfo)}"


@register.filter
def clock_time(value):
    """ "9:15 AM EST" in the active (clinic) zone."""
    return clock.clock_with_zone(value, timezone.get_current_timezone())


@register.filter
def split_commas(value):
    return value.split(",")


@register.filter
def duration_words(value):
    """A wait as staff say it: "2 days 3 hours", "3 hours 5 minutes", "12 minutes"."""
    minutes = max(0, int(value.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    said = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n][:2]
    return " ".join(said) or "under a minute"


@register.filter
def email_kind(kind):
    """An email's kind as staff would name it ("request_received" -> "request received")."""
    return kind.replace("_", " ")


@register.filter
def time_range(start, end):
    """ "10:00–11:00 AM" in the active (clinic) zone."""
    return clock.time_range(start, end, timezone.get_current_timezone())


@register.simple_tag
def visit_url(name, pk):
    """{% url name pk %} for one of a visit's admin pages, at the cost of a replace (the
    dashboard lists dozens of visits): booking/admin/markup.visit_url."""
    return markup.visit_url(name, pk)


@register.filter
def links_note(appointment, user):
    """Whether this visit's block or row links to its treatment note for `user` (the one rule,
    booking/rules/treatment_notes.links_note)."""
    return treatment_notes.links_note(user, appointment)
