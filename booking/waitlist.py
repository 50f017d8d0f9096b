"""The waitlist: patients told by email when a time that suits them frees up.

A time frees when a visit is cancelled, declined, expires or moves. Every waiting patient it
fits (service, therapist or any, their days, morning or afternoon) gets one email with a link
into the request flow at that time. Booking it is an ordinary request, so the first to send
it gets it, with the same database guarantee as any booking; the others are then told it was
taken and stay on the list. Entries end on their last day; retention removes them.

A caller without email, whom the front desk put on the list by phone, is offered the same
times, as a "call this patient" task on the dashboard (calls_to_make) instead of an email; the
desk books them or records that they declined.
"""

import datetime
import logging
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from booking.models import Patient, WaitlistEntry, WaitlistOffer
from booking.notifications import absolute
from booking.request.selection import Selection
from booking.rules import availability, selectors
from clinic import limiter
from clinic.models import Clinic, Therapist
from emails import outbox

logger = logging.getLogger(__name__)

NOON = datetime.time(12)
# A freed time is offered to this many waiting patients at most, first come first offered: the
# first to book it wins anyway, and one cancellation must not become hundreds of emails.
OFFERS_PER_RELEASE = 5
# An address not confirmed within this time is forgotten (the register of personal data).
UNCONFIRMED_KEPT = datetime.timedelta(days=2)
# One address may wait for this many things at once: enough for a patient, little for a prank.
OPEN_ENTRIES_PER_EMAIL = 3
LONGEST_RANGE = datetime.timedelta(days=60)


class WaitlistFull(Exception):
    pass


class CallAlreadyHandled(Exception):
    pass


def open_entries(today):
    return WaitlistEntry.objects.filter(closed_at=None, last_day__gte=today)


def join(
    *, service, therapist, is_new_patient, email, first_day, last_day, part_of_day, client_key=""
):
    """Put the address on the list, unconfirmed, and email it a link to confirm: an email that
    carries nothing the signer typed. Raises WaitlistFull or limiter.LimitReached."""
    today = timezone.localdate()
    # Only confirmed entries count: a stranger's unconfirmed sign-ups must not lock the
    # address's owner out (the limiter bounds those: three a day per address).
    waiting = open_entries(today).filter(email__iexact=email).exclude(confirmed_at=None)
    if waiting.count() >= OPEN_ENTRIES_PER_EMAIL:
        raise WaitlistFull(
            "This email address is already waiting for three times. Please call us instead."
        )
    with transaction.atomic():
        limiter.spend("waitlist", address=client_key, contact=email)
        entry = WaitlistEntry.objects.create(
            service=service,
            therapist=therapist,
            is_new_patient=is_new_patient,
            email=email,
            first_day=first_day,
            last_day=last_day,
            part_of_day=part_of_day,
        )
        _send(
            entry, "waitlist_confirm", Clinic.objects.current(),
            link=absolute(reverse("booking:waitlist_confirm", args=[entry.token])),
            days=UNCONFIRMED_KEPT.days,
        )  # fmt: skip
    return entry


def confirm(entry, *, now=None):
    """The address's owner followed the link: offers may now be sent to it, for this entry and
    every other open one of the address (one confirmation email may have been held back)."""
    now = now or timezone.now()
    open_entries(timezone.localdate(now)).filter(
        email__iexact=entry.email, confirmed_at=None
    ).update(confirmed_at=now)
    entry.refresh_from_db()
    return entry


def add_caller(entry, *, by, now=None):
    """Put a caller the front desk took on the phone on the list: confirmed at once (the desk
    spoke to them, no email to confirm from), with who added them."""
    entry.added_by = by
    entry.confirmed_at = now or timezone.now()
    entry.save()
    return entry


def _suits(entry, start, zone):
    clock = start.astimezone(zone).time()
    if entry.part_of_day == WaitlistEntry.PartOfDay.MORNING:
        return clock < NOON
    if entry.part_of_day == WaitlistEntry.PartOfDay.AFTERNOON:
        return clock >= NOON
    return True


def offer_freed_time(*, therapist_id, start, end, now=None):
    """Offer the time [start, end) a visit just gave up to everyone waiting whom it fits: for
    each, the first free start inside it for their service. Returns the offers sent."""
    now = now or timezone.now()
    clinic = Clinic.objects.current()
    therapist = Therapist.objects.active().filter(pk=therapist_id).first()
    if therapist is None or end <= now:
        return []
    day = start.astimezone(clinic.zone).date()
    entries = (
        open_entries(timezone.localdate(now, timezone=clinic.zone))
        .exclude(confirmed_at=None)
        .filter(first_day__lte=day, last_day__gte=day)
        .filter(Q(therapist=None) | Q(therapist=therapist))
        .select_related("service")
    )
    free_by_service = {}
    sent = []
    for entry in entries:
        if len(sent) >= OFFERS_PER_RELEASE:
            break
        if not selectors.therapist_sees(
            therapist, entry.service, is_new_patient=entry.is_new_patient
        ):
            continue
        if entry.service_id not in free_by_service:
            free_by_service[entry.service_id] = availability.free_slots(
                clinic=clinic, service=entry.service, therapists=[therapist],
                start_date=day, end_date=day, now=now,
            )  # fmt: skip
        starts = [
            slot.start
            for slot in free_by_service[entry.service_id]
            if start <= slot.start < end and _suits(entry, slot.start, clinic.zone)
        ]
        if not starts:
            continue
        offer, created = WaitlistOffer.objects.get_or_create(
            entry=entry, therapist=therapist, start=starts[0]
        )
        if not created:
            continue
        if not entry.email:
            sent.append(offer)  # a call for the desk to make (calls_to_make), no email
            continue
        if _send(entry, "waitlist_offer", clinic, offer=offer) is None:
            # Held back (this address had its offer today): not an offer, and not one of
            # the few this time is offered to, so the next in line gets it.
            offer.delete()
            continue
        sent.append(offer)
    return sent


def calls_to_make(user, *, now):
    """Offers to waitlist callers without email, for the front desk to phone (the dashboard):
    open, still ahead, soonest first, as the user may see them. Two queries, whatever the list.

    Each offer carries `patient_record`: the record with the caller's phone that the user may
    see (selectors.patients_visible_to), if any, so "Book" opens the add form with them chosen.
    """
    calls = list(
        offers_visible_to(user)
        .filter(
            outcome=WaitlistOffer.Outcome.OFFERED, handled_at=None, entry__email="", start__gt=now
        )
        .order_by("start", "pk")
    )
    phones = {call.entry.phone for call in calls}
    records = {}
    matching = Patient.objects.filter(phone__in=phones).order_by("-created_at")
    for record in selectors.patients_visible_to(user, matching):
        records[record.phone] = record
    for call in calls:
        call.patient_record = records.get(call.entry.phone)
        call.book_url = book_call_url(call)
    return calls


def offers_visible_to(user):
    """An offer names its therapist as a visit does: the same rule (the front desk sees every
    one, a therapist those of her own times)."""
    offers = WaitlistOffer.objects.select_related("entry__service", "therapist")
    return selectors.appointments_visible_to(user, offers)


def record_declined(offer, *, now=None):
    """The desk called and the patient does not want that time: the call is done; they keep
    waiting for another."""
    if offer.outcome != WaitlistOffer.Outcome.OFFERED or offer.handled_at is not None:
        raise CallAlreadyHandled("This call was already handled.")
    offer.outcome = WaitlistOffer.Outcome.DECLINED
    offer.handled_at = now or timezone.now()
    offer.save(update_fields=["outcome", "handled_at"])
    return offer


def book_call_url(offer):
    """The admin's add form for this offer: it fills in the time, service, therapist and the
    caller's name and phone from the offer (so no personal data rides in the address), and
    their record when one has their phone."""
    params = {"waitlist_offer": offer.pk}
    record = getattr(offer, "patient_record", None)
    if record is not None:
        params["patient"] = record.pk
    return f"{reverse('admin:booking_appointment_add')}?{urlencode(params)}"


def claim_url(offer):
    """Into the request flow at the offered time, through the entry's own link."""
    entry = offer.entry
    selection = Selection(
        patient="new" if entry.is_new_patient else "returning",
        service=entry.service,
        therapist=offer.therapist,
        day=offer.start.astimezone(Clinic.objects.current().zone).date(),
        start=offer.start,
    )
    return absolute(selection.url(path=reverse("booking:waitlist_claim", args=[entry.token])))


def time_booked(appointment):
    """Someone booked: offers of an overlapping time with that therapist are settled. The one
    who booked it leaves the list; everyone else is told it was taken and keeps waiting."""
    offers = WaitlistOffer.objects.filter(
        outcome=WaitlistOffer.Outcome.OFFERED,
        therapist=appointment.therapist,
        start__lt=appointment.hold_until,
        start__gte=appointment.start - datetime.timedelta(hours=12),
    ).select_related("entry__service")
    clinic = Clinic.objects.current()
    for offer in offers:
        service = offer.entry.service
        offer_ends = offer.start + datetime.timedelta(
            minutes=service.duration_minutes + service.buffer_minutes
        )
        if offer_ends <= appointment.start:
            continue
        if _is_theirs(offer.entry, appointment):
            offer.outcome = WaitlistOffer.Outcome.BOOKED
            offer.entry.closed_at = timezone.now()
            offer.entry.save(update_fields=["closed_at"])
        else:
            offer.outcome = WaitlistOffer.Outcome.TAKEN
            if offer.entry.email:  # a caller's call simply leaves the dashboard
                _send(offer.entry, "waitlist_taken", clinic, offer=offer)
        offer.save(update_fields=["outcome"])


def _is_theirs(entry, appointment):
    """Whether the entry's patient booked it: the same email, or for a caller without one the
    same phone (both stored in international form)."""
    if entry.email:
        return entry.email.lower() == appointment.patient_email.lower()
    return bool(entry.phone) and entry.phone == appointment.patient_phone


def _send(entry, kind, clinic, *, offer=None, **context):
    """An email to the entry's address, with no health detail and no service name in the
    subject (as every email); None when the outbox held it back."""
    context |= {"clinic": clinic, "entry": entry, "offer": offer}
    if kind == "waitlist_offer":
        context["claim_url"] = claim_url(offer)
    message = outbox.compose(kind, context, to=entry.email, clinic=clinic)
    return outbox.send(message, kind=kind, about=f"waitlist:{entry.pk}")
