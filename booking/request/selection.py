"""What a patient has chosen so far, read from the request and checked against the catalogue.

The request flow keeps its state in the URL (GET) or a hidden field (POST): no session is needed,
the back button works, and every step is re-checked on the server. The state travels sealed
(booking/request/sealing.py) as one opaque `s` value: the service ("prenatal massage") and the time are
the patient's business, not an access log's. No health detail is ever part of this state.
Plain fields are still read, over the sealed ones: the service form posts its radio buttons, and
a clinic's own link such as /book/?service=3 in a newsletter keeps working.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from booking.request import sealing
from booking.rules import selectors
from clinic import page_cache
from clinic.models import Clinic, Service, Therapist

ANY = "any"
STATE = "s"
FIELDS = ("patient", "service", "therapist", "date", "start", "from")


@dataclass
class Selection:
    patient: str = ""  # "new" or "returning"
    service: Service | None = None
    therapist: Therapist | None = None
    any_therapist: bool = False
    day: datetime.date | None = None
    start: datetime.datetime | None = None

    @property
    def is_new_patient(self):
        return self.patient == "new"

    @property
    def therapist_param(self):
        if self.any_therapist:
            return ANY
        return self.therapist.slug if self.therapist else ""

    def params(self, **overrides):
        values = {
            "patient": self.patient,
            "service": self.service.pk if self.service else "",
            "therapist": self.therapist_param,
            "date": self.day.isoformat() if self.day else "",
            "start": self.start.isoformat() if self.start else "",
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value}

    def token(self, **overrides):
        return sealing.seal(self.params(**overrides))

    def url(self, name="booking:start", *, path=None, **overrides):
        """The address of a step with this state (`path` for a page outside the request flow)."""
        return f"{path or reverse(name)}?{urlencode({STATE: self.token(**overrides)})}"

    @property
    def change_service_url(self):
        return self.url(service="", date="", start="")

    @property
    def change_therapist_url(self):
        return self.url(therapist="", date="", start="")

    @property
    def change_time_url(self):
        """Back to the times, on the day of the time chosen (in clinic time, as pages show it)."""
        day = timezone.localdate(self.start).isoformat() if self.start else ""
        return self.url(start="", date=day)

    def therapists(self):
        """Who could see the patient for the chosen service: one therapist, or all who offer it."""
        if self.therapist:
            return [self.therapist]
        return list(selectors.therapists_for(self.service, is_new_patient=self.is_new_patient))


# Anything further than this from today is not a time anyone can book (and may not even be a
# date Python can do arithmetic on).
FARTHEST = datetime.timedelta(days=2 * 366)


def _value(data, key):
    """A submitted value, or "" when absent or unusable (databases refuse NUL characters)."""
    value = str(data.get(key, ""))
    return "" if "\x00" in value else value


def read_flow(data):
    """The flow's state as plain values: the sealed `s`, with any plain fields sent over it."""
    flow = sealing.unseal(data.get(STATE, ""))
    flow.update((key, data[key]) for key in FIELDS if key in data)
    return flow


def _within_reach(moment, now):
    return now - FARTHEST < moment < now + FARTHEST


def _plain_choice(data, now):
    """The flow's values, each of a usable form (not yet checked against the catalogue)."""
    data = read_flow(data)
    patient = _value(data, "patient")
    service = _value(data, "service")
    try:
        day = parse_date(_value(data, "date"))
    except ValueError:
        day = None
    try:
        start = parse_datetime(_value(data, "start"))
    except ValueError:
        start = None
    return {
        "patient": patient if patient in ("new", "returning") else "",
        # ASCII digits only: str.isdigit() also accepts "²", which is no number to a database.
        "service": service if re.fullmatch(r"[0-9]{1,9}", service) else "",
        "therapist": _value(data, "therapist"),
        "day": day if day and abs(day - now.date()) < FARTHEST else None,
        "start": (
            start.astimezone(datetime.UTC)
            if start and start.tzinfo and _within_reach(start, now)
            else None
        ),
        "from": _value(data, "from"),
    }


def read_selection(data):
    """What the patient picked, from a QueryDict; anything unknown, inactive or out of reach is not chosen."""
    plain = _plain_choice(data, timezone.now())
    selection = Selection(patient=plain["patient"], day=plain["day"], start=plain["start"])
    if plain["service"]:
        selection.service = Service.objects.active().filter(pk=plain["service"]).first()
    if plain["therapist"] == ANY:
        selection.any_therapist = True
    elif plain["therapist"]:
        selection.therapist = Therapist.objects.active().filter(slug=plain["therapist"]).first()
    return selection


@page_cache.per_version
def _catalogue():
    """What an address may name: active services and therapists, and the clinic's calendar."""
    clinic = Clinic.objects.current()
    return {
        "services": {str(pk) for pk in Service.objects.active().values_list("pk", flat=True)},
        "therapists": set(Therapist.objects.active().values_list("slug", flat=True)),
        "zone": clinic.zone,
        "horizon": datetime.timedelta(days=clinic.booking_horizon_days),
    }


def canonical_query(data):
    """The request flow's choice in one spelling, for the page cache's key: what read_selection
    and the time step's week (time_choices.first_day_of_window) make of an address, so junk
    parameters, unknown services and other spellings of one choice share one kept page."""
    now = timezone.now()
    plain = _plain_choice(data, now)
    catalogue = _catalogue()
    therapist = plain["therapist"]
    try:
        asked = datetime.date.fromisoformat(plain["from"])
    except ValueError:
        week = ""
    else:
        today = timezone.localdate(now, timezone=catalogue["zone"])
        week = min(max(asked, today), today + catalogue["horizon"]).isoformat()
    values = {
        "patient": plain["patient"],
        "service": plain["service"] if plain["service"] in catalogue["services"] else "",
        "therapist": therapist if therapist == ANY or therapist in catalogue["therapists"] else "",
        "date": plain["day"].isoformat() if plain["day"] else "",
        "start": plain["start"].isoformat() if plain["start"] else "",
        "from": week,
    }
    return urlencode({key: value for key, value in values.items() if value})
