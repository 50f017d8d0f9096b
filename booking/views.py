import datetime
from dataclasses import replace

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from booking import (
    availability,
    drafts,
    returning,
    screening,
    selectors,
    services,
    time_choices,
    waitlist,
)
from booking.forms import PatientDetailsForm, ServiceChoiceForm, SignInLinkForm, WaitlistForm
from booking.ics import appointment_ics
from booking.models import Appointment, WaitlistEntry
from booking.notifications import absolute
from booking.screening import needs_doctor
from booking.selection import Selection, canonical_query, read_flow, read_selection
from clinic import limiter, page_cache
from clinic.models import Service

HONEYPOT_MESSAGE = "We could not send this request. Please call us and we will book it with you."
# The patient's link keeps working this long after the visit, then says to call instead.
LINK_VALID_AFTER_VISIT = datetime.timedelta(days=60)


def _free_slots(clinic, selection, first_day, last_day):
    return availability.free_slots(
        clinic=clinic,
        service=selection.service,
        therapists=selection.therapists(),
        start_date=first_day,
        end_date=last_day,
    )


def _service_error(selection):
    if not selection.service:
        return ""
    return selectors.why_not_bookable(selection.service, is_new_patient=selection.is_new_patient)


def _therapist_fits(selection):
    """The chosen therapist offers the service (and sees new patients, if this is one)."""
    if selection.any_therapist:
        return True
    if not selection.therapist:
        return False
    return selectors.therapist_sees(
        selection.therapist, selection.service, is_new_patient=selection.is_new_patient
    )


@method_decorator(csrf_exempt, name="dispatch")
class RequestStartView(View):
    """Steps one to three, chosen by what the URL already holds: service (and new or returning),
    then therapist or "any", then a day and a time. Plain links and forms: no JavaScript. The
    service form posts, then redirects to the sealed address, so no choice shows in a URL.

    Exempt from CSRF checks: its post stores, sends and changes nothing (it only turns the
    choice into a sealed address, as a link would), so a forged one gains nothing; without a
    token every step can be kept for anonymous visitors (clinic/page_cache.py)."""

    page_cache_query = staticmethod(canonical_query)

    def get(self, request):
        selection = read_selection(request.GET)
        if not selection.patient or not selection.service or _service_error(selection):
            return self.service_step(request, selection)
        if not _therapist_fits(selection):
            return self.therapist_step(request, selection)
        return self.time_step(request, selection)

    def post(self, request):
        selection = read_selection(request.POST)
        form = self.service_form(request, selection, data=request.POST)
        if not form.is_valid():
            return self.service_step(request, selection, form=form)
        return redirect(selection.url())

    @staticmethod
    def service_form(request, selection, data=None):
        offered = (
            selection.therapist.services.active()
            if selection.therapist
            else Service.objects.active()
        )
        initial = {"patient": selection.patient, "service": selection.service}
        return ServiceChoiceForm(data, clinic=request.clinic, services=offered, initial=initial)

    def service_step(self, request, selection, *, form=None):
        if form is None and _service_error(selection):
            # Arrived with a choice that does not fit (a returning-only service for a new
            # patient): say why, next to the service.
            data = {"patient": selection.patient, "service": selection.service.pk}
            form = self.service_form(request, selection, data=data)
            form.is_valid()
        form = form or self.service_form(request, selection)
        response = render(
            request,
            "booking/request_service.html",
            {"selection": selection, "form": form, "step": 1},
        )
        if request.method == "GET":
            page_cache.keep_until(response)  # the services, until a clinic record changes
        return response

    def therapist_step(self, request, selection):
        therapists = [
            (therapist, selection.url(therapist=therapist.slug))
            for therapist in selection.service.therapists.active()
        ]
        soonest = time_choices.soonest(
            clinic=request.clinic,
            selection=replace(selection, any_therapist=True),
            today=timezone.localdate(),
        )
        response = render(
            request,
            "booking/request_therapist.html",
            {
                "selection": selection,
                "therapists": therapists,
                "any_url": selection.url(therapist="any"),
                "soonest": soonest,
                "step": 2,
            },
        )
        starts = [choice["start"] for choice in soonest]
        page_cache.keep_until(
            response,
            availability.unchanged_until(starts, clinic=request.clinic, now=timezone.now()),
        )
        return response

    def time_step(self, request, selection):
        today = timezone.localdate()
        first_day = time_choices.first_day_of_window(
            read_flow(request.GET).get("from", ""),
            clinic=request.clinic,
            today=today,
            chosen_day=selection.day,
        )
        context = time_choices.build(
            clinic=request.clinic, selection=selection, first_day=first_day, today=today
        )
        response = render(
            request, "booking/request_time.html", {"selection": selection, "step": 3, **context}
        )
        page_cache.keep_until(response, context["unchanged_until"])
        return response


def _fresh_times(clinic, selection):
    """Free times on the same day, offered when the chosen one was just taken."""
    day = selection.start.astimezone(clinic.zone).date()
    slots = _free_slots(clinic, selection, day, day)
    return availability.free_times_by_day(slots, clinic.zone).get(day, [])


@method_decorator(never_cache, name="dispatch")
@method_decorator(limiter.limited("request"), name="dispatch")
class RequestDetailsView(View):
    """Steps four to six: details and health screening, review, submit. What the patient typed
    travels in the form itself, so nothing is lost to an error or a taken time."""

    def dispatch(self, request, *args, **kwargs):
        self.selection = read_selection(request.POST if request.method == "POST" else request.GET)
        complete = (
            self.selection.patient
            and self.selection.service
            and not _service_error(self.selection)
            and _therapist_fits(self.selection)
        )
        if not complete:
            messages.info(request, "Please choose a service, a therapist and a time first.")
            return redirect(self.selection.url())
        return super().dispatch(request, *args, **kwargs)

    def render_details(self, form, *, taken=False, error=""):
        selection = self.selection
        times = _fresh_times(self.request.clinic, selection) if taken and selection.start else []
        return render(
            self.request,
            "booking/request_details.html",
            {
                "selection": selection,
                "form": form,
                "step": 4,
                "taken": taken,
                "fresh_times": times,
                "error": error,
                "known_patient": self.returning_patient(),
            },
        )

    def get(self, request):
        if not self.selection.start:
            return redirect(self.selection.url())
        known = self.returning_patient()
        initial = {**(returning.known_details(known) if known else {}), **drafts.initial(request)}
        return self.render_details(PatientDetailsForm(initial=initial))

    def returning_patient(self):
        """The patient signed in by an emailed link, for a returning patient's request."""
        if self.selection.is_new_patient:
            return None
        return returning.signed_in_patient(self.request)

    def post(self, request):
        form = PatientDetailsForm(request.POST)
        action = request.POST.get("action", "review")
        if screening.red_flags(form.red_flag_answers()):
            # A red flag ends the request here: nothing typed is kept, not even as a draft.
            drafts.forget(request)
            return render(request, "booking/request_see_doctor.html", {"step": 4})
        drafts.keep(request, request.POST)
        if not self.selection.start:
            return self.render_details(form, taken=True, error="Please choose a time.")
        if action == "edit" or not form.is_valid():
            return self.render_details(form)
        if self.returning_patient() and not form.cleaned_data["answers_checked"]:
            form.add_error(
                "answers_checked",
                "Please check the health answers from your last visit and tick this box.",
            )
            return self.render_details(form)
        if action != "submit":
            return render(
                request,
                "booking/request_review.html",
                {
                    "selection": self.selection,
                    "form": form,
                    "step": 5,
                    "doctor_first": needs_doctor(form.screening_answers()),
                },
            )
        if form.cleaned_data["website"]:
            # The hidden honeypot field, filled in: a script, not a patient.
            return self.render_details(form, error=HONEYPOT_MESSAGE)
        try:
            appointment = services.request_appointment(
                service=self.selection.service,
                therapist=self.selection.therapist,
                start=self.selection.start,
                patient=form.patient_details(is_new_patient=self.selection.is_new_patient),
                client_key=request.limit_address,
            )
        except services.SlotUnavailable:
            return self.render_details(form, taken=True)
        except services.BookingError as error:
            return self.render_details(form, error=str(error))
        drafts.forget(request)
        returning.sign_out(request)
        if appointment.status == Appointment.Status.CONFIRMED:
            messages.success(request, "Thank you. Your appointment is confirmed.")
        else:
            messages.success(request, "Thank you. Your request is in and the time is held for you.")
        return redirect(appointment.patient_url())


def _appointment_for(token):
    """The appointment behind a patient's link. Unknown or tampered tokens are simply not found."""
    if "\x00" in token:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("service", "therapist"), access_token=token
    )


def _link_expired(appointment):
    return timezone.now() > appointment.end + LINK_VALID_AFTER_VISIT


@never_cache
def manage_appointment(request, token):
    """The patient's page for one appointment. Opening it never changes anything."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    return render(
        request,
        "booking/appointment_detail.html",
        {
            "appointment": appointment,
            "can_cancel": services.patient_can_cancel(appointment),
            "can_move": services.patient_can_move(appointment),
        },
    )


@never_cache
def appointment_calendar(request, token):
    appointment = _appointment_for(token)
    if _link_expired(appointment) or not appointment.is_active:
        return render(request, "booking/appointment_link_expired.html", status=410)
    ics = appointment_ics(
        appointment, clinic=request.clinic, manage_url=absolute(appointment.patient_url())
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_appointment(request, token):
    """GET asks once ("are you sure?"), POST cancels: a tap by mistake, or a mail scanner
    following the link, never cancels anything."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    if request.method == "GET":
        if not services.patient_can_cancel(appointment):
            return redirect(appointment.patient_url())
        return render(request, "booking/appointment_cancel.html", {"appointment": appointment})
    try:
        services.cancel_appointment(appointment=appointment)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your appointment is cancelled. We have sent you an email.")
    return redirect(appointment.patient_url())


def _move_selection(appointment, data):
    """The move's state: the visit's own service and therapist; only the day and time chosen."""
    chosen = read_selection(data)
    return Selection(
        patient="new" if appointment.is_new_patient else "returning",
        service=appointment.service,
        therapist=appointment.therapist,
        day=chosen.day,
        start=chosen.start,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("move")
def move_appointment(request, token):
    """The patient moves their visit from their link: choose a day and time (same service and
    therapist), see the change once more, then POST. Only while they could cancel online."""
    appointment = _appointment_for(token)
    if _link_expired(appointment):
        return render(request, "booking/appointment_link_expired.html", status=410)
    if not services.patient_can_move(appointment):
        messages.info(request, "This visit can no longer be moved online. Please call us.")
        return redirect(appointment.patient_url())
    data = request.POST if request.method == "POST" else request.GET
    selection = _move_selection(appointment, data)
    here = reverse("booking:move", args=[token])
    if request.method == "POST" and selection.start:
        try:
            moved = services.patient_move_appointment(
                appointment=appointment, start=selection.start, client_key=request.limit_address
            )
        except services.MoveTooLate as error:
            messages.error(request, str(error))
            return redirect(appointment.patient_url())
        except services.BookingError as error:
            messages.error(request, str(error))
            return redirect(selection.url(path=here, start=""))
        messages.success(request, "Your visit is moved. We have sent you an email.")
        if moved.status == Appointment.Status.REQUESTED:
            messages.info(request, "The clinic will confirm the new time by email.")
        return redirect(moved.patient_url())
    context = {"appointment": appointment, "selection": selection, "moving": appointment}
    if selection.start:
        return render(request, "booking/appointment_move_confirm.html", context)
    today = timezone.localdate()
    first_day = time_choices.first_day_of_window(
        read_flow(data).get("from", ""),
        clinic=request.clinic,
        today=today,
        chosen_day=selection.day,
    )
    context |= time_choices.build(
        clinic=request.clinic,
        selection=selection,
        first_day=first_day,
        today=today,
        paths=(here, here),
        moving=appointment,
    )
    return render(request, "booking/appointment_move.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("waitlist")
def join_waitlist(request):
    """ "Tell me when a time frees up", for the service and therapist (or any) chosen so far."""
    data = request.POST if request.method == "POST" else request.GET
    selection = read_selection(data)
    if not selection.patient or not selection.service or not _therapist_fits(selection):
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
    free = {slot.start for slot in _fresh_times(request.clinic, selection)}
    if selection.start not in free:
        return render(
            request,
            "booking/waitlist_taken.html",
            {"entry": entry, "selection": selection, "times_url": selection.url(start="")},
        )
    drafts.keep(request, {"email": entry.email, **drafts.initial(request)})
    return redirect(selection.url("booking:details"))


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("sign_in")
def returning_sign_in(request):
    """A returning patient asks for a one-time link that fills in their details. The answer is
    the same whether or not the address is known: the email is queued in the outbox, never
    sent while the patient waits, and the limit counts every address alike."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            if form.cleaned_data["website"]:
                raise limiter.LimitReached(HONEYPOT_MESSAGE)
            returning.ask_for_link(email, client_key=request.limit_address)
        except limiter.LimitReached as error:
            form.add_error("email", str(error))
        else:
            return render(request, "booking/sign_in_sent.html", {"email": email})
    return render(request, "booking/sign_in.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def welcome_back(request, token):
    """The link in the sign-in email. GET shows a button and spends nothing (mail scanners
    open links); only the POST uses the link."""
    if request.method == "GET":
        if not returning.link_is_usable(token):
            return render(request, "booking/sign_in_expired.html", status=410)
        return render(request, "booking/sign_in_continue.html")
    patient = returning.use_link(request, token)
    if patient is None:
        return render(request, "booking/sign_in_expired.html", status=410)
    first_name = patient.name.split()[0] if patient.name else ""
    messages.success(
        request,
        f"Welcome back{', ' + first_name if first_name else ''}. Your details will be filled in.",
    )
    return redirect(Selection(patient="returning").url())
