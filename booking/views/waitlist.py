"""The waitlist's pages: joining, confirming the address from its email, and the link in an
offer that leads into the request at the freed time."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking import waitlist
from booking.models import WaitlistEntry
from booking.request import drafts
from booking.request.forms import WaitlistForm
from booking.request.selection import read_selection
from booking.views.request import HONEYPOT_MESSAGE, fresh_times, therapist_fits
from clinic import limiter


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("waitlist")
def join_waitlist(request):
    """ "Tell me when a time frees up", for the service and therapist (or any) chosen so far."""
    data = request.POST if request.method == "POST" else request.GET
    selection = read_selection(data)
    if not selection.patient or not selection.service or not therapist_fits(selection):
        return redirect(selection.url())
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=request.clinic.booking_horizon_days)
    first = max(selection.day or today, today)
    form = WaitlistForm(
        request.POST or None,
        today=today,
        horizon=horizon,
        initial={"first_day": first, "last_day": min(first + datetime.timedelta(days=6), horizon)},
    )
    if request.method == "POST" and form.is_valid():
        wanted = {name: value for name, value in form.cleaned_data.items() if name != "website"}
        try:
            if form.cleaned_data["website"]:
                raise limiter.LimitReached(HONEYPOT_MESSAGE)
            entry = waitlist.join(
                service=selection.service,
                therapist=selection.therapist,
                is_new_patient=selection.is_new_patient,
                client_key=request.limit_address,
                **wanted,
            )
        except (waitlist.WaitlistFull, limiter.LimitReached) as error:
            form.add_error("email", str(error))
        else:
            return render(request, "booking/waitlist_joined.html", {"entry": entry})
    return render(request, "booking/waitlist_join.html", {"selection": selection, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_waitlist(request, token):
    """The link in the confirmation email: a page with a button (a mail scanner following the
    link confirms nothing); the POST confirms the address for offers."""
    entry = WaitlistEntry.objects.filter(token=token, closed_at=None).first()
    if entry is None:  # never confirmed in time (forgotten), or already over
        return render(request, "booking/waitlist_link_expired.html", status=410)
    if request.method == "POST":
        waitlist.confirm(entry)
    return render(request, "booking/waitlist_confirm.html", {"entry": entry})


@never_cache
def claim_waitlist_time(request, token):
    """The link in a waitlist email: into the request's details step at the freed time, the
    email address filled in; or, when someone was quicker, a kind word and the other times."""
    if "\x00" in token:
        raise Http404
    entry = get_object_or_404(WaitlistEntry, token=token)
    selection = read_selection(request.GET)
    selection.patient = "new" if entry.is_new_patient else "returning"
    selection.service = entry.service
    if not selection.start or not selection.therapist:
        return redirect(selection.url())
    free = {slot.start for slot in fresh_times(request.clinic, selection)}
    if selection.start not in free:
        return render(
            request,
            "booking/waitlist_taken.html",
            {"entry": entry, "selection": selection, "times_url": selection.url(start="")},
        )
    drafts.keep(request, {"email": entry.email, **drafts.initial(request)})
    return redirect(selection.url("booking:details"))
