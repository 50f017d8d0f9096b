"""Seeing holds that look abusive: many requests from one internet address or one email."""

import datetime

from django.contrib import admin
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from booking.models import Appointment

# Seen over a day, this many requests from one source is no patient's doing.
SUSPICIOUS = 3
WINDOW = datetime.timedelta(days=1)


def flooding_sources(now):
    """(client keys, emails) with at least SUSPICIOUS requests in the last day (two queries)."""
    recent = Appointment.objects.filter(created_at__gte=now - WINDOW)
    keys = (
        recent.exclude(client_key="").values("client_key").annotate(n=Count("pk"))
        .filter(n__gte=SUSPICIOUS).values_list("client_key", flat=True)
    )  # fmt: skip
    emails = (
        recent.exclude(patient_email="").annotate(email=Lower("patient_email")).values("email")
        .annotate(n=Count("pk")).filter(n__gte=SUSPICIOUS).values_list("email", flat=True)
    )  # fmt: skip
    return list(keys), list(emails)


class FloodFilter(admin.SimpleListFilter):
    title = "possible abuse"
    parameter_name = "flood"

    def lookups(self, request, model_admin):
        return [("yes", f"{SUSPICIOUS}+ requests a day from one address or email")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        keys, emails = flooding_sources(timezone.now())
        return queryset.annotate(email=Lower("patient_email")).filter(
            Q(client_key__in=keys) | Q(email__in=emails)
        )
