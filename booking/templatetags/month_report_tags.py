"""How the month in numbers writes its figures (hours, percentages, waits)."""

from django import template

from booking import month_report

register = template.Library()


@register.filter
def hours(duration):
    return f"{month_report.hours(duration)} h"


@register.filter
def percent(value):
    return "–" if value is None else f"{value} %"


@register.filter
def wait(duration):
    return month_report.wait_text(duration)


@register.filter
def pair(first, second):
    """Two rows to loop over in one template loop (this month's, the month before's)."""
    return [first, second]
