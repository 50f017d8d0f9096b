"""The takings page: /admin/booking/appointment/takings/?from=YYYY-MM-DD&to=YYYY-MM-DD (today by
default), and takings.csv for the bookkeeper, for accounts with booking.view_takings (the
front desk and the owner; not therapists, who see only whether their own visits are paid). The
figures come from booking/takings.py. The CSV names visits by reference, never patients, and
no service or reason."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from booking import receipts, takings
from clinic.models import Clinic
from clinic.spreadsheet import safe_cell

PERMISSION = "booking.view_takings"
# The longest range one page or file covers: a year, as a bookkeeper asks for it.
LONGEST = datetime.timedelta(days=366)


def urls(model_admin):
    def view(function):
        def wrapped(request):
            return function(model_admin, request)

        return model_admin.admin_site.admin_view(wrapped)

    return [
        path("takings/", view(takings_view), name="booking_appointment_takings"),
        path("takings.csv", view(csv_view), name="booking_appointment_takings_csv"),
    ]


def _day(text):
    """The date typed, or None: also for a year no calendar here reaches (0001, 9999)."""
    try:
        day = datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return day if receipts.FIRST_YEAR <= day.year <= receipts.LAST_YEAR else None


def _range(request, *, warn):
    """(clinic, first day, last day) asked for; today for anything that is not a range."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    first = _day(request.GET.get("from")) or today
    last = _day(request.GET.get("to")) or first
    if last < first or last - first > LONGEST:
        if warn:
            messages.warning(request, "Choose a range of up to a year, the first day first.")
        first = last = today
    return clinic, first, last


def takings_view(model_admin, request):
    clinic, first, last = _range(request, warn=True)
    found = takings.between(first, last, zone=clinic.zone, user=request.user)
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    one_day = datetime.timedelta(days=1)
    here = reverse("admin:booking_appointment_takings")
    title = (
        f"Takings, {first:%A, %B} {first.day}, {first.year}"
        if first == last
        else f"Takings, {first:%B} {first.day}, {first.year} to {last:%B} {last.day}, {last.year}"
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "clinic": clinic,
        "takings": found,
        "first": first,
        "last": last,
        "csv_url": f"{reverse('admin:booking_appointment_takings_csv')}?{query}",
        "previous_url": f"{here}?from={first - one_day:%Y-%m-%d}&to={first - one_day:%Y-%m-%d}",
        "next_url": f"{here}?from={last + one_day:%Y-%m-%d}&to={last + one_day:%Y-%m-%d}",
    }
    return render(request, "admin/booking/takings.html", context)


COLUMNS = [
    ("Date", lambda p: p.local.strftime("%Y-%m-%d")),
    ("Time", lambda p: p.local.strftime("%H:%M")),
    ("Visit", lambda p: p.appointment.reference),
    ("Therapist", lambda p: p.appointment.therapist.name),
    # No service and no reason: a service's name can say something about a patient's health
    # (prenatal massage), and a reason the desk typed may name someone.
    ("Method", lambda p: p.get_method_display()),
    ("Amount", lambda p: f"{p.amount}"),
    ("Refund", lambda p: "yes" if p.is_refund else ""),
    ("Taken by", lambda p: p.created_by.get_full_name() or p.created_by.get_username()),
]


def csv_view(model_admin, request):
    clinic, first, last = _range(request, warn=False)
    found = takings.between(first, last, zone=clinic.zone, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="takings-{first}-to-{last}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [f"{title} ({clinic.currency})" if title == "Amount" else title for title, _ in COLUMNS]
    )
    for payment in found.payments:
        # The amount is a number made here (a refund's minus sign is no formula); every other
        # cell, typed by someone, goes through safe_cell.
        writer.writerow(
            [value(payment) if title == "Amount" else safe_cell(value(payment))
             for title, value in COLUMNS]
        )  # fmt: skip
    writer.writerow(["Total", "", "", "", "", f"{found.total}"])
    return response
