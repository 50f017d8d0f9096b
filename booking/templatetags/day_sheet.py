"""The day sheet's buttons for one visit, wherever it is listed (the dashboard's rows; the
calendar's blocks make theirs in booking/admin/calendar.py): booking/admin/markup.DayActions."""

from django import template

from booking.admin.markup import DayActions

register = template.Library()


@register.simple_tag(takes_context=True)
def day_actions(context, appointment):
    """The one-click changes the lifecycle allows now, for an account that may change
    appointments; nothing for anyone else."""
    return DayActions(context.get("request"), context.get("csrf_token", "")).html(appointment)
