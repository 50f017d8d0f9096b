"""The appointment in the admin: the list the front desk filters all day, the visit's page with
its lifecycle buttons, booking a caller, and the bulk actions. Near 400 lines: one ModelAdmin,
whose list, form and actions belong together; the calendar, moves, patients and exports have
modules of their own beside it."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods

from booking import checkout as checkout_rules
from booking import waitlist
from booking.admin import checkout, course, day_sheet, month_report, takings, treatment_note
from booking.admin.calendar import calendar_view
from booking.admin.caller import PatientSearch, patient_details
from booking.admin.export import appointments_csv
from booking.admin.floods import FloodFilter
from booking.admin.forms import READ_FROM_LINKS, AppointmentAdminForm, initial_from_calendar
from booking.admin.history import GuardedHistoryAdmin
from booking.admin.move import move_view
from booking.admin.search import PhoneSearch
from booking.models import Appointment, AppointmentEvent, Patient, TreatmentNote
from booking.rules import courses, lifecycle, selectors, services, treatment_notes, visits
from booking.rules.screening import QUESTIONS_BY_KEY
from booking.templatetags.booking_tags import clinic_time


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    extra = 0
    can_delete = False
    template = "admin/booking/appointment/_history_inline.html"
    fields = ["at", "action", "actor_display", "note"]
    readonly_fields = fields
    verbose_name = "history entry"
    verbose_name_plural = "history: who did what, when"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="By")
    def actor_display(self, event):
        return event.actor_display


@admin.register(Appointment)
class AppointmentAdmin(PhoneSearch, GuardedHistoryAdmin):
    form = AppointmentAdminForm
    change_form_template = "admin/booking/appointment/change_form.html"
    list_display = [
        "when",
        "patient_display",
        "service",
        "therapist",
        "status",
        "flag",
        "reference",
    ]
    list_filter = [
        FloodFilter,
        "status",
        "needs_review",
        "therapist",
        "service",
        ("start", admin.DateFieldListFilter),
    ]
    list_select_related = ["service", "therapist"]
    search_fields = ["patient_name", "patient_email", "patient_phone", "reference"]
    phone_search_field = "patient_phone"
    date_hierarchy = "start"
    ordering = ["start"]
    # Service and therapist are plain lists, not autocompletes: a clinic has a handful of
    # each, and the service list is narrowed to what the chosen therapist offers.
    # Finding an existing patient when booking a caller: by name, email or phone.
    autocomplete_fields = ["patient"]
    inlines = [AppointmentEventInline]
    readonly_fields = [
        "reference",
        "status",
        "patient_record",
        "screening_answers",
        "consent_at",
        "created_at",
        "reminder_sent_at",
    ]
    actions = ["confirm_selected", "decline_selected", "cancel_selected", "release_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "status", "service", "therapist", "start", "outside_rules"]},
        ),
        (
            "Patient",
            {
                "fields": [
                    "patient_record",
                    "patient_name",
                    "patient_email",
                    "patient_phone",
                    "is_new_patient",
                ]
            },
        ),
        ("Health", {"fields": ["reason", "screening_answers"]}),
        ("Record", {"fields": ["consent_at", "created_at", "reminder_sent_at"]}),
    ]
    # Booking a caller: the screening is read out on the phone, not shown as answered.
    add_fieldsets = [
        # The calendar's Book link fills in who and when; the service list follows the therapist.
        (None, {"fields": ["therapist", "start", "service", "outside_rules"]}),
        (
            "Patient",
            {
                "fields": [
                    "patient",
                    "patient_name",
                    "patient_email",
                    "patient_phone",
                    "is_new_patient",
                ]
            },
        ),
        ("Health", {"fields": ["reason", "phone_screening"]}),
    ]

    def get_inlines(self, request, obj):
        # A visit being booked has no history yet: no empty table to read past.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.add_fieldsets if obj is None else self.fieldsets
        if request.user.has_perm("booking.view_health_details"):
            return fieldsets
        # Without the right to health details, the reason and screening are not shown at all.
        return [(name, opts) for name, opts in fieldsets if name != "Health"]

    def get_list_display(self, request):
        if request.user.has_perm("booking.view_health_details"):
            return self.list_display
        return [name for name in self.list_display if name != "flag"]

    @admin.display(description="Patient", ordering="patient_name")
    def patient_display(self, appointment):
        returning = appointment.returning
        return format_html("{}{}", appointment.patient_name, " (returning)" if returning else "")

    @admin.display(description="Patient record")
    def patient_record(self, appointment):
        if not appointment.patient_id:
            return "—"
        url = reverse("admin:booking_patient_change", args=[appointment.patient_id])
        return format_html('<a href="{}">{}</a>', url, appointment.patient)

    class Media:
        js = ["js/admin-booking.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "patient":
            kwargs["widget"] = PatientSearch(db_field, self.admin_site)
        elif db_field.name == "therapist":
            kwargs["empty_label"] = "Choose a therapist"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        patients = selectors.patients_visible_to(request.user, Patient.objects.all())
        # Django's own reading copies every parameter as typed; a crafted one (therapist=²)
        # would reach the form raw, so those the calendar's links carry are read only here.
        raw = super().get_changeform_initial_data(request)
        return {
            **{name: value for name, value in raw.items() if name not in READ_FROM_LINKS},
            **initial_from_calendar(
                request.GET, patients=patients, offers=waitlist.offers_visible_to(request.user)
            ),
        }

    def get_queryset(self, request):
        """Every appointment view (list, change, history, delete, actions, buttons) reads
        through this, so an account sees only what `visible_to` allows."""
        appointments = super().get_queryset(request).annotate(returning=visits.seen_before())
        return selectors.appointments_visible_to(request.user, appointments)

    @admin.display(description="Time (clinic time)", ordering="start")
    def when(self, appointment):
        return clinic_time(appointment.start)

    @admin.display(description="Screening", ordering="-needs_review")
    def flag(self, appointment):
        # A marker only where there is something to read: a tick or a cross would read as
        # "good" and "bad", the wrong way round for a health flag.
        if not appointment.needs_review:
            return ""
        return format_html('<strong class="screening-flag">{}</strong>', "Check screening")

    @admin.display(description="Health screening")
    def screening_answers(self, appointment):
        answered = [QUESTIONS_BY_KEY[key] for key, value in appointment.screening.items() if value]
        if not answered:
            return "Nothing to flag."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {}</li>",
                (
                    (
                        question.text,
                        "needs a doctor's go-ahead"
                        if question.needs == "doctor"
                        else "therapist to adapt treatment",
                    )
                    for question in answered
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.screening = form.screening()
            obj.needs_review = bool(obj.screening)
            services.book_by_staff(appointment=obj, by=request.user)
        elif {"start", "therapist", "service"} & set(form.changed_data):
            services.reschedule_appointment(appointment=obj, by=request.user)
        else:
            obj.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.SlotUnavailable as error:
            # Lost a race with another booking after the form had validated: nothing was saved.
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # Whoever sees the visit sees whether it has a note, never its text.
            note = TreatmentNote.objects.select_related("author__therapist").filter(appointment=obj)
            context["treatment_note"] = {
                "url": reverse("admin:booking_appointment_note", args=[obj.pk]),
                "summary": treatment_notes.summary(note.first()),
            }
            # Whoever sees the visit sees whether it is paid; the desk checks it out there.
            context["checkout"] = {
                "url": reverse("admin:booking_appointment_checkout", args=[obj.pk]),
                "status": checkout_rules.account_of(obj).status,
            }
        if obj is not None and self.has_change_permission(request, obj):
            # Decline and cancel open a page that asks once (and takes a message); the others
            # are one click.
            context["transitions"] = [
                {
                    "url": reverse(
                        "admin:booking_appointment_transition", args=[obj.pk, step.name]
                    ),
                    "name": step.name,
                    "label": step.label,
                    "asks_first": step.takes_message,
                }
                for step in lifecycle.staff_transitions(obj, timezone.now())
            ]
            if obj.is_active:
                context["move_url"] = reverse("admin:booking_appointment_move", args=[obj.pk])
            if (
                not obj.course_id
                and not courses.why_no_course(obj)
                and self.has_add_permission(request)
            ):
                context["course_url"] = reverse("admin:booking_appointment_course", args=[obj.pk])
        if obj is not None and obj.course_id:
            context["course"] = course.place_in_course(obj, request.user)
        if (
            obj is not None
            and obj.needs_review
            and request.user.has_perm("booking.review_screening")
        ):
            context["review"] = {
                "url": reverse("admin:booking_appointment_review", args=[obj.pk]),
                "choices": Appointment.Review.choices,
                "current": obj.screening_review,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(
            require_http_methods(["GET", "POST"])(self.transition_view)
        )
        calendar = self.admin_site.admin_view(self.calendar_view)
        return [
            path("calendar/", calendar, name="booking_appointment_calendar"),
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="booking_appointment_export",
            ),
            path(
                "<int:pk>/move/",
                self.admin_site.admin_view(self.move_view),
                name="booking_appointment_move",
            ),
            path("<int:pk>/transition/<str:name>/", view, name="booking_appointment_transition"),
            path(
                "<int:pk>/review-screening/",
                self.admin_site.admin_view(require_http_methods(["POST"])(self.review_view)),
                name="booking_appointment_review",
            ),
            path(
                "patient/<int:pk>/details.json",
                self.admin_site.admin_view(self.patient_details_view),
                name="booking_appointment_patient_details",
            ),
            *day_sheet.urls(self),
            *month_report.urls(self),
            *treatment_note.urls(self),
            *course.urls(self),
            *checkout.urls(self),
            *takings.urls(self),
            *super().get_urls(),
        ]

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return calendar_view(self, request)

    def export_view(self, request):
        """The list as filtered and searched on screen (and as this account may see it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            appointments = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            messages.error(request, "Those filters do not fit the list; nothing was exported.")
            return redirect(reverse("admin:booking_appointment_changelist"))
        return appointments_csv(
            appointments.select_related("therapist", "service"),
            with_health=request.user.has_perm("booking.view_health_details"),
        )

    def move_view(self, request, pk):
        return move_view(self, request, pk)

    def patient_details_view(self, request, pk):
        return patient_details(self, request, pk)

    def transition_view(self, request, pk, name):
        appointment = get_object_or_404(self.get_queryset(request), pk=pk)
        step = lifecycle.TRANSITIONS.get(name)
        if not (step and step.staff_button) or not self.has_change_permission(request, appointment):
            raise PermissionDenied
        if request.method == "GET":
            if not step.takes_message:
                return HttpResponseNotAllowed(["POST"])
            return self._ask_first(request, step, [appointment])
        asked_by = self._who_asked(request, step)
        if asked_by is None:
            return self._ask_first(request, step, [appointment], missing_who=True)
        message = request.POST.get("message", "").strip()
        following = step.name == "cancel" and courses.following(appointment, request.user)
        if following and request.POST.get("scope") == "following":
            course.cancel_following(request, appointment, message, by_patient=asked_by == "patient")
        else:
            self._apply(request, appointment, step, message, by_patient=asked_by == "patient")
        return redirect(reverse("admin:booking_appointment_change", args=[pk]))

    def review_view(self, request, pk):
        """The therapist's reading of a flagged screening (only on appointments she can see)."""
        appointment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("booking.review_screening"):
            raise PermissionDenied
        outcome = request.POST.get("outcome", "")
        if outcome not in Appointment.Review.values:
            messages.error(request, "Please choose what the screening means for this visit.")
        else:
            try:
                services.review_screening(
                    appointment=appointment, by=request.user, outcome=outcome,
                    note=request.POST.get("note", "").strip()[:300],
                )  # fmt: skip
            except services.BookingError as error:
                messages.error(request, str(error))
            else:
                label = Appointment.Review(outcome).label
                messages.success(request, f"{appointment.reference}: screening marked “{label}”.")
        return redirect(reverse("admin:booking_appointment_change", args=[pk]))

    @staticmethod
    def _who_asked(request, step):
        """For a cancellation, who asked for it: "patient" (it then counts as theirs, late or
        not, on their record) or "clinic"; None when the form did not say. Other steps: ""."""
        if step.name != "cancel":
            return ""
        asked_by = request.POST.get("asked_by", "")
        return asked_by if asked_by in ("patient", "clinic") else None

    def _ask_first(self, request, step, appointments, action="", missing_who=False):
        """The page that asks once before declining or cancelling, with a note for patients
        (and, for a cancellation, who asked for it)."""
        context = {
            **self.admin_site.each_context(request),
            "title": f"{step.label} {len(appointments)} appointment{pluralize(len(appointments))}?",
            "opts": self.model._meta,
            "step": step,
            "appointments": appointments,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "asks_who": step.name == "cancel",
            "missing_who": missing_who,
            # One visit of a course: "this visit" or "this and the following ones".
            **self._following(request, step, appointments),
            "message": request.POST.get("message", ""),
        }
        return TemplateResponse(
            request, "admin/booking/appointment/confirm_transition.html", context
        )

    @staticmethod
    def _following(request, step, appointments):
        """For cancelling one visit of a course: its following visits, their dates, and the
        choice already made (kept when the page asks again)."""
        if step.name != "cancel" or len(appointments) != 1:
            return {"following": []}
        following = courses.following(appointments[0], request.user)
        dates = "; ".join(clinic_time(visit.start) for visit in following)
        scope = request.POST.get("scope", "this")
        return {"following": following, "following_dates": f" ({dates})", "scope": scope}

    def _apply(self, request, appointment, step, message="", by_patient=False):
        """One lifecycle change through the services; the message says what really happened."""
        try:
            services.change_status(
                appointment=appointment, transition=step.name, by=request.user, message=message,
                by_patient=by_patient,
            )  # fmt: skip
        except services.BookingError as error:
            messages.error(request, str(error))
            return
        told = " The patient is told by email." if step.tells_patient else ""
        messages.success(request, f"{appointment.reference}: {step.action_text.lower()}.{told}")

    def _bulk(self, request, queryset, name):
        step = lifecycle.TRANSITIONS[name]
        action = f"{name}_selected"
        if step.takes_message and "confirmed" not in request.POST:
            return self._ask_first(request, step, list(queryset), action=action)
        asked_by = self._who_asked(request, step)
        if asked_by is None:
            return self._ask_first(request, step, list(queryset), action=action, missing_who=True)
        message = request.POST.get("message", "").strip()
        for appointment in queryset:
            self._apply(request, appointment, step, message, by_patient=asked_by == "patient")
        return None

    @admin.action(description="Confirm selected requests", permissions=["change"])
    def confirm_selected(self, request, queryset):
        return self._bulk(request, queryset, "confirm")

    @admin.action(description="Decline selected requests", permissions=["change"])
    def decline_selected(self, request, queryset):
        return self._bulk(request, queryset, "decline")

    @admin.action(description="Cancel selected appointments", permissions=["change"])
    def cancel_selected(self, request, queryset):
        return self._bulk(request, queryset, "cancel")

    @admin.action(
        description="Release selected requests without email (they look abusive)",
        permissions=["change"],
    )
    def release_selected(self, request, queryset):
        return self._bulk(request, queryset, "release")
