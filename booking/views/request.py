"""The request flow, steps one to six: service, therapist, time (kept pages for anonymous
visitors), then details and health questions, review and send."""

from dataclasses import replace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from booking import returning
from booking.models import Appointment
from booking.request import drafts, time_choices
from booking.request.forms import PatientDetailsForm, ServiceChoiceForm
from booking.request.selection import canonical_query, read_flow, read_selection
from booking.rules import availability, screening, selectors, services
from booking.rules.screening import needs_doctor
from clinic import limiter, page_cache
from clinic.models import Service

HONEYPOT_MESSAGE = "We could not send this request. Please call us and we will book it with you."


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


def therapist_fits(selection):
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
    # Nothing here reads the session (what a patient typed is read from step four on): a
    # visitor who has one gets the same kept page as one who has none.
    page_cache_shared_with_sessions = True

    def get(self, request):
        selection = read_selection(request.GET)
        if not selection.patient or not selection.service or _service_error(selection):
            return self.service_step(request, selection)
        if not therapist_fits(selection):
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
        context = time_choices.week_of_times(
            clinic=request.clinic, selection=selection, first_day=first_day, today=today
        )
        response = render(
            request, "booking/request_time.html", {"selection": selection, "step": 3, **context}
        )
        page_cache.keep_until(response, context["unchanged_until"])
        return response


def fresh_times(clinic, selection):
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
            and therapist_fits(self.selection)
        )
        if not complete:
            messages.info(request, "Please choose a service, a therapist and a time first.")
            return redirect(self.selection.url())
        return super().dispatch(request, *args, **kwargs)

    def render_details(self, form, *, taken=False, error=""):
        selection = self.selection
        times = fresh_times(self.request.clinic, selection) if taken and selection.start else []
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
