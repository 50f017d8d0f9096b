"""`.ics` files for appointments: a generic title, the clinic's own time zone, nothing medical."""

from django.utils import timezone
from icalendar import Calendar, Event, vText

from booking.models import Appointment


def appointment_ics(appointment, *, clinic, manage_url):
    """The appointment as a calendar file; for one no longer active, a cancellation of it, so a
    calendar that holds the earlier file removes the visit."""
    return visits_ics([(appointment, manage_url)], clinic=clinic)


def visits_ics(visits, *, clinic):
    """One calendar file holding each (appointment, its patient link) of `visits`: a course's
    dates in one attachment. Each event keeps the visit's own identity, so a later file about
    one visit updates it. All withdrawn: the file cancels them."""
    withdrawn = not any(appointment.is_active for appointment, _url in visits)
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic website//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if withdrawn else "PUBLISH")
    for appointment, manage_url in visits:
        calendar.add_component(_event(appointment, clinic=clinic, manage_url=manage_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(appointment, *, clinic, manage_url):
    withdrawn = not appointment.is_active
    event = Event()
    event.add("uid", f"{appointment.reference}@appointments.{clinic.pk}")
    event.add("dtstamp", timezone.now())
    # Local times with their zone, so the calendar shows clinic time even when travelling.
    event.add("dtstart", appointment.start.astimezone(clinic.zone))
    event.add("dtend", appointment.end.astimezone(clinic.zone))
    event.add("summary", f"Appointment at {clinic.name}")
    if clinic.address_lines:
        event.add("location", vText(", ".join(clinic.address_lines)))
    event.add(
        "description",
        f"With {appointment.therapist.name}. Reference {appointment.reference}.\n"
        f"To see or cancel this appointment: {manage_url}",
    )
    event.add("url", manage_url)
    # A request is only pencilled in until the clinic confirms it.
    if withdrawn:
        event.add("status", "CANCELLED")
    else:
        event.add(
            "status",
            "TENTATIVE" if appointment.status == Appointment.Status.REQUESTED else "CONFIRMED",
        )
    # Each move or cancellation bumps the sequence, so calendar apps apply it instead of
    # ignoring it as old news.
    changes = appointment.events.filter(action="rescheduled").count()
    event.add("sequence", changes + (1 if withdrawn else 0))
    return event
