"""The month in numbers: /admin/booking/appointment/month/?month=YYYY-MM (and month.csv), for
the owner and the front desk (booking.view_month_report). The figures come from
booking/month_report.py; this reads the month asked for and renders them."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from booking import month_report
from clinic.models import Clinic
from clinic.spreadsheet import safe_cell

PERMISSION = "booking.view_month_report"


def urls(model_admin):
    """The report's admin URLs, under the appointment admin's."""

    def view(function):
        def wrapped(request):
            return function(model_admin, request)

        return model_admin.admin_site.admin_view(wrapped)

    return [
        path("month/", view(report_view), name="booking_appointment_month"),
        path("month.csv", view(csv_view), name="booking_appointment_month_csv"),
    ]


def _report(request, *, warn):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    clinic = Clinic.objects.current()
    today = timezone.localdate(timezone=clinic.zone)
    asked = request.GET.get("month")
    first_day = month_report.first_of_month(asked, today=today)
    if first_day is None:
        first_day = today.replace(day=1)
        if asked is not None and warn:
            messages.warning(
                request, f"“{asked}” is not a month (YYYY-MM); showing {first_day:%B %Y}."
            )
    return clinic, month_report.build(user=request.user, clinic=clinic, first_day=first_day)


def report_view(model_admin, request):
    clinic, report = _report(request, warn=True)
    first_day = report.month.first_day
    here = reverse("admin:booking_appointment_month")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"The month in numbers: {report.month.label}",
        "opts": model_admin.model._meta,
        "clinic": clinic,
        "report": report,
        "chart": month_report.chart(report.month),
        "previous_url": f"{here}?month={month_report.previous_month(first_day):%Y-%m}",
        "next_url": f"{here}?month={month_report.next_month(first_day):%Y-%m}",
        "csv_url": f"{reverse('admin:booking_appointment_month_csv')}?month={first_day:%Y-%m}",
        "month_value": f"{first_day:%Y-%m}",
    }
    return render(request, "admin/booking/month_report.html", context)


def rows(report):
    """The report as lines of a spreadsheet: figure, detail, this month, the month before."""
    month, before = report.month, report.previous
    hours = month_report.hours
    lines = [
        ("Visits completed", "All", month.completed, before.completed),
        *[("Visits completed", name, a.completed, b.completed)
          for name, a, b in report.therapist_pairs()],
        *[("Visits completed", f"Service: {name}", a, b) for name, a, b in report.service_pairs()],
        ("Hours booked", "All", hours(month.booked), hours(before.booked)),
        ("Hours worked", "All", hours(month.worked), hours(before.worked)),
        ("Utilisation (%)", "All", month.utilisation, before.utilisation),
    ]  # fmt: skip
    for name, a, b in report.therapist_pairs():
        lines += [
            ("Hours booked", name, hours(a.booked), hours(b.booked)),
            ("Hours worked", name, hours(a.worked), hours(b.worked)),
            ("Utilisation (%)", name, a.utilisation, b.utilisation),
        ]
    lines += [
        ("No-shows", "All", month.no_shows, before.no_shows),
        ("Late cancellations", "All", month.late_cancellations, before.late_cancellations),
        ("New patients", "All", month.new_patients, before.new_patients),
        ("Returning patients", "All", month.returning_patients, before.returning_patients),
        ("Requests declined", "All", month.declined, before.declined),
        ("Requests expired", "All", month.expired, before.expired),
        ("Requests answered", "All", month.answered, before.answered),
        ("Wait for an answer, median (minutes)", "All",
         _minutes(month.wait_median), _minutes(before.wait_median)),
        ("Wait for an answer, 90th percentile (minutes)", "All",
         _minutes(month.wait_p90), _minutes(before.wait_p90)),
    ]  # fmt: skip
    if month.taken is not None:
        lines += [
            ("Money received", "All", month.taken, before.taken),
            *[("Money received", name, a, b) for name, a, b in report.takings_pairs()],
        ]
    return lines


def _minutes(duration):
    return "" if duration is None else round(duration.total_seconds() / 60)


def csv_view(model_admin, request):
    _clinic, report = _report(request, warn=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="month-{report.month.first_day:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Figure", "Detail", report.month.label, report.previous.label])
    for line in rows(report):
        writer.writerow([safe_cell("" if value is None else value) for value in line])
    return response
