"""Booking a course of visits from a visit: how often, on which days, how many; then each date
checked (booking/rules/courses.py) with the nearest free time for the ones that are not free, to
accept or skip; one "Book the course" books them all and emails the patient once."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from booking.admin import params
from booking.models import every_weeks_label
from booking.rules import courses, selectors, services
from clinic.models import Clinic
from clinic.personal_data import plural

WEEKDAYS = [
    (0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
    (5, "Saturday"), (6, "Sunday"),
]  # fmt: skip
SKIP = "skip"
# The radio groups of a plan's rows: a date of a course to book, a following visit to move.
BOOKING_ROWS, MOVING_ROWS = "time-{index}", "visit-{visit}"


class CourseForm(forms.Form):
    every_weeks = forms.TypedChoiceField(
        label="How often",
        coerce=int,
        choices=[(n, every_weeks_label(n)) for n in range(1, courses.MAX_EVERY_WEEKS + 1)],
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On",
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    visits = forms.IntegerField(
        label="Visits in all, this one included",
        min_value=2,
        max_value=courses.MAX_VISITS,
        error_messages={
            "min_value": "A course has at least 2 visits, this one included.",
            "max_value": f"Book at most {courses.MAX_VISITS} visits at once.",
        },
    )


def urls(model_admin):
    def view(request, pk):
        return course_view(model_admin, request, pk)

    return [
        path(
            "<int:pk>/course/",
            model_admin.admin_site.admin_view(require_http_methods(["GET", "POST"])(view)),
            name="booking_appointment_course",
        )
    ]


def course_view(model_admin, request, pk):
    """GET: the form, and once filled the dates checked; POST: book the times chosen."""
    visit = get_object_or_404(
        model_admin.get_queryset(request).select_related("service", "therapist"), pk=pk
    )
    if not (
        model_admin.has_change_permission(request, visit)
        and model_admin.has_add_permission(request)
    ):
        raise PermissionDenied
    change_url = reverse("admin:booking_appointment_change", args=[pk])
    refusal = (
        f"{visit.reference} is already part of a course." if visit.course_id
        else courses.why_no_course(visit)
    )  # fmt: skip
    if refusal:
        messages.info(request, refusal)
        return redirect(change_url)
    clinic = Clinic.objects.current()
    asked = "visits" in request.GET or request.method == "POST"
    data = request.POST if request.method == "POST" else request.GET
    form = CourseForm(
        data if asked else None,
        initial={
            "every_weeks": 1,
            "weekdays": [visit.start.astimezone(clinic.zone).weekday()],
            "visits": 6,
        },
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Book a course from {visit.reference} · {visit.patient_name}",
        "appointment": visit,
        "change_url": change_url,
        "form": form,
        "max_visits": courses.MAX_VISITS,
    }
    if not form.is_valid():
        return render(request, "admin/booking/appointment/course.html", context)
    wanted = courses.wanted_starts(
        visit.start, every_weeks=form.cleaned_data["every_weeks"],
        weekdays=form.cleaned_data["weekdays"], visits=form.cleaned_data["visits"],
        zone=clinic.zone,
    )  # fmt: skip
    # The same check the page showed, made again: only what it offered can be booked.
    proposals = courses.plan(
        clinic=clinic, service=visit.service, therapist=visit.therapist, wanted=wanted
    )
    context["rows"] = plan_rows(proposals, BOOKING_ROWS)
    if request.method == "POST":
        chosen, context["unanswered"] = read_choices(request.POST, proposals, BOOKING_ROWS)
        if not context["unanswered"] and _book(request, visit, form, chosen):
            return redirect(change_url)
    return render(request, "admin/booking/appointment/course.html", context)


def _book(request, visit, form, chosen):
    """Book the times chosen on the page (skipped dates are None); True when booked."""
    starts = [start for start in chosen if start]
    if not starts:
        messages.error(request, "Every date was skipped: there is nothing to book.")
        return False
    try:
        course = courses.book(
            visit=visit, starts=starts, every_weeks=form.cleaned_data["every_weeks"],
            weekdays=form.cleaned_data["weekdays"], by=request.user,
        )  # fmt: skip
    except services.BookingError as error:
        messages.error(request, str(error))
        return False
    skipped = len(chosen) - len(starts)
    skipped = f" ({plural(skipped, 'date')} skipped)" if skipped else ""
    told = " The patient is sent one email with every date." if visit.patient_email else ""
    messages.success(
        request,
        f"Course of {course.planned_visits} visits booked with {visit.therapist.name}{skipped}."
        f"{told}",
    )
    return True


def plan_rows(proposals, name):
    """(proposal, its radio group's name) for each row of a plan, the name made from `name`
    with the row's `index` and the `visit` it moves (the page and its reading agree)."""
    return [
        (proposal, name.format(index=index, visit=proposal.visit.pk if proposal.visit else ""))
        for index, proposal in enumerate(proposals)
    ]


def read_choices(data, proposals, name):
    """What was chosen on a plan's rows: for each, its time when free, its alternative, or
    None for skip ("leave it where it is"), and only those: a time the plan did not offer is
    not taken. `name` names each row's radio group from its `index` and `visit`. Returns the
    choices and the set of rows (by group name) left unanswered, to ask again beside them."""
    chosen, unanswered = [], set()
    for proposal, group in plan_rows(proposals, name):
        offered = proposal.wanted if proposal.free else proposal.alternative
        choice = data.get(group)
        if choice == SKIP:
            chosen.append(None)
        elif offered is not None and params.read_instant(choice) == offered:
            chosen.append(offered)
        else:
            unanswered.add(group)
    return chosen, unanswered


def place_in_course(visit, user):
    """ "Visit 3 of 6" for the visit's page, with the course's dates this account may see (a
    visit moved to another therapist is shown to her, not to this one)."""
    every = visit.course.visits.order_by("start")
    starts = list(every.values_list("pk", flat=True))
    return {
        "number": starts.index(visit.pk) + 1,
        "of": len(starts),
        "visits": list(
            selectors.appointments_visible_to(user, every).only("pk", "start", "status")
        ),
    }


def cancel_following(request, visit, message, *, by_patient):
    """The cancel page's "this and the following ones"."""
    try:
        cancelled = courses.cancel_from(
            visit=visit, by=request.user, by_patient=by_patient, message=message
        )
    except services.BookingError as error:
        messages.error(request, str(error))
        return
    told = " The patient is sent one email listing them." if visit.patient_email else ""
    messages.success(
        request,
        f"{visit.reference} and the course's following visits: "
        f"{plural(len(cancelled), 'visit')} cancelled.{told}",
    )
