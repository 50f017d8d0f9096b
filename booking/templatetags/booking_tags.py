from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def clinic_time(value):
    """A time as patients read it, in the active (clinic) zone with the zone's abbreviation:
    "Tuesday, December 1, 2026, 9:00 AM EST". The abbreviation tells apart the two 1:30s of
    the night clocks go back."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'l, F j, Y')}, {date_format(local, 'g:i A')} {local.tzname()}"


@register.filter
def clock_time(value):
    local = timezone.localtime(value)
    return f"{date_format(local, 'g:i A')} {local.tzname()}"


@register.filter
def split_commas(value):
    return value.split(",")
