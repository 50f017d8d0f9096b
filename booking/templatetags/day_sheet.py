"""The day sheet's buttons for one visit, wherever it is listed (the dashboard, each calendar
block): templates/admin/booking/appointment/_day_actions.html needs only the appointment."""

from django import template
from django.urls import reverse
from django.utils import timezone

from booking.rules import lifecycle

register = template.Library()


@register.simple_tag(takes_context=True)
def day_sheet_buttons(context, appointment):
    """[{"url", "label"}] of the one-click changes the lifecycle allows now, for an account that
    may change appointments; [] for anyone else (a therapist sees her day, she does not run it).
    The page only lists visits the account may see (the selectors)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("booking.change_appointment"):
        return []
    return [
        {
            "url": reverse("admin:booking_appointment_day_sheet", args=[appointment.pk, step.name]),
            "label": step.label,
        }
        for step in lifecycle.day_sheet_transitions(appointment, timezone.now())
    ]
