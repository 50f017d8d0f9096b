"""What a patient typed on the details step, kept while they go back to change the service,
therapist or time, so "Change" never makes them type it again.

It lives in the server-side session, never in a URL (it holds health answers), only for a short
while, and is forgotten once the request is sent.
"""

import time

from django import forms

from booking.request.forms import PatientDetailsForm

SESSION_KEY = "booking_draft"
KEPT_FOR_SECONDS = 2 * 60 * 60


def keep(request, data):
    """Remember the details fields of a submitted form (what was typed, valid or not)."""
    kept = {}
    for name, field in PatientDetailsForm().fields.items():
        value = data.get(name, "")
        if isinstance(field, forms.BooleanField):
            # The review page carries ticks forward as "True"/"False"; the form reads both.
            value = field.to_python(value)
        if value:
            kept[name] = value
    request.session[SESSION_KEY] = {"saved_at": time.time(), "fields": kept}


def is_current(draft, now):
    """Whether a draft may still be used at `now` (a timestamp); an older one is removed from
    its session by purge_personal_data (booking/personal_data.py)."""
    return now - draft["saved_at"] <= KEPT_FOR_SECONDS


def initial(request):
    """The remembered fields, as a form's initial data; empty when none or too old."""
    draft = request.session.get(SESSION_KEY)
    if not draft or not is_current(draft, time.time()):
        return {}
    return draft["fields"]


def forget(request):
    request.session.pop(SESSION_KEY, None)
