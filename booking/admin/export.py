"""The appointment list, as filtered on screen, as a CSV file for the clinic's own records."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from booking.rules.screening import QUESTIONS_BY_KEY
from clinic.spreadsheet import safe_cell

COLUMNS = [
    ("Reference", lambda a: a.reference),
    ("Start (clinic time)", lambda a: timezone.localtime(a.start).strftime("%Y-%m-%d %H:%M")),
    ("End (clinic time)", lambda a: timezone.localtime(a.end).strftime("%Y-%m-%d %H:%M")),
    ("Therapist", lambda a: a.therapist.name),
    ("Service", lambda a: a.service.name),
    ("Status", lambda a: a.get_status_display()),
    ("Patient", lambda a: a.patient_name),
    ("Email", lambda a: a.patient_email),
    ("Phone", lambda a: a.patient_phone),
    ("New patient", lambda a: "yes" if a.is_new_patient else "no"),
    ("Requested at", lambda a: timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M")),
]
# Only for staff who may see health details (booking.view_health_details).
HEALTH_COLUMNS = [
    ("Reason", lambda a: a.reason),
    ("Screening", lambda a: "; ".join(QUESTIONS_BY_KEY[key].text for key in a.screening)),
    ("Screening review", lambda a: a.get_screening_review_display()),
]


def appointments_csv(appointments, *, with_health):
    columns = COLUMNS + (HEALTH_COLUMNS if with_health else [])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appointments-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([title for title, _ in columns])
    for appointment in appointments:
        writer.writerow([safe_cell(value(appointment)) for _, value in columns])
    return response
