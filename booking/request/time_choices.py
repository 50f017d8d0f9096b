"""The time step of a request: a week strip of days and the chosen day's times.

Built to fit the first screen of a phone: seven compact days, each saying how many times are
free, "full" or "closed"; then the day's times. With "any therapist" the times are grouped by
therapist, each with their first free time when they have none that day, and the time links
name the therapist, so the patient knows whom they will see.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from booking.rules import availability

WEEK = 7
# The first free time of each therapist is looked for this far ahead of the week shown.
LOOK_AHEAD = 4 * WEEK


@dataclass
class Day:
    date: datetime.date
    count: int
    is_open: bool
    url: str

    @property
    def status(self):
        if self.count:
            return f"{self.count} time{'s' if self.count != 1 else ''}"
        return "full" if self.is_open else "closed"


@dataclass
class TherapistTimes:
    therapist: object
    times: list = field(default_factory=list)  # [(start, url)]
    first_free: tuple | None = None  # (start, url) after the chosen day, when none that day


def first_day_of_window(asked, *, clinic, today, chosen_day):
    """The week shown: the one asked for (`asked`, an ISO date from the flow's "from"), else
    the one holding the chosen day, else this one; never past the booking horizon."""
    horizon = today + datetime.timedelta(days=clinic.booking_horizon_days)
    try:
        requested = datetime.date.fromisoformat(str(asked))
    except ValueError:
        requested = today
        if chosen_day and chosen_day >= today + datetime.timedelta(days=WEEK):
            requested = chosen_day
    return min(max(requested, today), horizon)


def week_of_times(*, clinic, selection, first_day, today, paths=(None, None), moving=None):
    """Everything the time step shows, as plain values for the template.

    `paths`: the pages the day links and the time links lead to (the request flow's own when
    None); `moving`: the appointment being moved, whose own time does not count as busy.
    """
    # Reversed once here, not for each of the hundred links below.
    browse_path = paths[0] or reverse("booking:start")
    pick_path = paths[1] or reverse("booking:details")
    last_day = first_day + datetime.timedelta(days=WEEK - 1)
    therapists = selection.therapists()

    def free(start_date, end_date):
        return availability.free_slots(
            clinic=clinic, service=selection.service, therapists=therapists,
            start_date=start_date, end_date=end_date,
            ignore_appointment_id=moving.pk if moving else None,
        )  # fmt: skip

    zone = clinic.zone
    slots = free(first_day, last_day)
    by_day = availability.free_times_by_day(slots, zone)
    open_days = availability.open_days(therapists, first_day, last_day)
    chosen = selection.day if selection.day in by_day else next(iter(by_day), None)
    if selection.any_therapist and chosen:
        # Look past the week only for a therapist with nothing free from the chosen day on.
        onward = {s.therapist_id for s in slots if s.start.astimezone(zone).date() >= chosen}
        if onward != {therapist.pk for therapist in therapists}:
            beyond = last_day + datetime.timedelta(days=1)
            slots += free(beyond, first_day + datetime.timedelta(days=LOOK_AHEAD - 1))
    window = {"from": first_day.isoformat()}
    days = [
        Day(
            date=day,
            count=len(by_day.get(day, [])),
            is_open=day in open_days,
            url=selection.url(path=browse_path, date=day.isoformat(), start="", **window) + "#week",
        )
        for day in availability.dates(first_day, last_day)
    ]

    def time_link(slot, therapist=None):
        start_day = slot.start.astimezone(zone).date().isoformat()
        overrides = {"therapist": therapist.slug} if therapist else {}
        return slot.start, selection.url(
            "booking:details",
            path=pick_path,
            date=start_day,
            start=slot.start.isoformat(),
            **overrides,
        )

    groups = []
    if selection.any_therapist and chosen:
        for therapist in therapists:
            own = [slot for slot in slots if slot.therapist_id == therapist.pk]
            group = TherapistTimes(therapist)
            group.times = [
                time_link(slot, therapist)
                for slot in own
                if slot.start.astimezone(zone).date() == chosen
            ]
            if not group.times:
                later = [slot for slot in own if slot.start.astimezone(zone).date() > chosen]
                group.first_free = time_link(later[0], therapist) if later else None
            groups.append(group)
    later = (last_day + datetime.timedelta(days=1)).isoformat()
    earlier = max(first_day - datetime.timedelta(days=WEEK), today).isoformat()
    return {
        "unchanged_until": availability.unchanged_until(
            [slot.start for slot in slots], clinic=clinic, now=timezone.now()
        ),
        "days": days,
        "selected_day": chosen,
        "times": [time_link(slot) for slot in by_day.get(chosen, [])],
        "groups": groups,
        # Said once on the page: "Toronto time (EST)".
        "zone_name": chosen and datetime.datetime.combine(chosen, datetime.time(12), zone).tzname(),
        "waitlist_url": selection.url("booking:waitlist", start=""),
        "later_url": selection.url(path=browse_path, date="", start="", **{"from": later}),
        "earlier_url": selection.url(path=browse_path, date="", start="", **{"from": earlier})
        if first_day > today
        else "",
    }


SOONEST = 6


def soonest(*, clinic, selection, today, count=SOONEST):
    """The first free times for the chosen service, whoever offers it: one tap each, each
    naming the therapist it books. Looks four weeks ahead."""
    therapists = {therapist.pk: therapist for therapist in selection.therapists()}
    slots = availability.free_slots(
        clinic=clinic,
        service=selection.service,
        therapists=list(therapists.values()),
        start_date=today,
        end_date=today + datetime.timedelta(days=LOOK_AHEAD - 1),
    )
    choices = []
    for slot in slots[:count]:
        therapist = therapists[slot.therapist_id]
        url = selection.url(
            "booking:details",
            therapist=therapist.slug,
            date=slot.start.astimezone(clinic.zone).date().isoformat(),
            start=slot.start.isoformat(),
        )
        choices.append({"start": slot.start, "therapist": therapist, "url": url})
    return choices
