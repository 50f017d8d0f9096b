"""Patient records: found by name, email or phone as people type it; every visit coming and
past, what they add up to, the latest screening, dated notes and the emails sent; merging
duplicates."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from booking import patient_record, receipts
from booking.admin.history import GuardedHistoryAdmin
from booking.admin.search import PhoneSearch
from booking.models import Appointment, Patient
from booking.privacy import patient_data
from booking.rules import patients, selectors, treatment_notes
from booking.rules.screening import QUESTIONS_BY_KEY
from clinic.models import Clinic


def latest_screening(visits):
    """The answers of the latest request among `visits` that gave any, with their date."""
    latest = visits.exclude(screening={}).order_by("-created_at").first()
    if latest is None:
        return "Nothing flagged in any request."
    answers = "; ".join(QUESTIONS_BY_KEY[key].text for key in latest.screening)
    review = f" — {latest.get_screening_review_display()}" if latest.screening_review else ""
    return f"{answers} (given {latest.created_at:%B %-d, %Y}){review}"


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(Patient)
class PatientAdmin(PhoneSearch, GuardedHistoryAdmin):
    list_display = ["name", "email", "phone", "visit_count", "last_visit"]
    search_fields = ["name", "email", "phone"]
    search_help_text = "A name, an email, or a phone number as you would write it."
    fields = ["name", "email", "phone", "date_of_birth"]
    # The owner's alone: who else reads this patient's treatment notes, and the legal hold.
    owner_fields = ["notes_shared_with", "legal_hold"]
    filter_horizontal = ["notes_shared_with"]
    actions = ["merge_selected"]

    def get_fields(self, request, obj=None):
        if selectors.reads_every_treatment_note(request.user):
            return [*self.fields, *self.owner_fields]
        return self.fields

    def get_queryset(self, request):
        records = (
            super()
            .get_queryset(request)
            .annotate(visits=Count("appointments", distinct=True), last=Max("appointments__start"))
            .order_by("name", "pk")  # an aggregate leaves Meta.ordering out
        )
        return selectors.patients_visible_to(request.user, records)

    @admin.display(description="Visits", ordering="visits")
    def visit_count(self, patient):
        return patient.visits

    @admin.display(description="Latest visit", ordering="last")
    def last_visit(self, patient):
        return patient.last

    @staticmethod
    def visible_visits(request, patient_id):
        """The patient's visits this account may see (the selectors' rule, as everywhere)."""
        return selectors.appointments_visible_to(
            request.user, Appointment.objects.filter(patient_id=patient_id)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The record, with its visits below it and the latest screening: only from the
        visits this account may see."""
        record = unquote(object_id)
        # A malformed id goes on to the admin's own "doesn't exist" answer, not a 500.
        visits = (
            self.visible_visits(request, record) if record.isdigit() else Appointment.objects.none()
        )
        extra_context = {**(extra_context or {}), "latest_screening": latest_screening(visits)}
        patient = self.get_object(request, record) if record.isdigit() else None
        if patient is not None:
            extra_context["record"] = patient_record.record_for(request.user, patient)
            # The notes this account may read, listed without their text (it opens on the
            # note's own page, where the read is logged).
            extra_context["treatment_notes"] = [
                {
                    "url": reverse("admin:booking_appointment_note", args=[note.appointment_id]),
                    "visit": note.appointment.start,
                    "summary": treatment_notes.summary(note),
                }
                for note in selectors.treatment_notes_visible_to(
                    request.user, patient.treatment_notes.all()
                )
                .select_related("appointment", "author__therapist")
                .order_by("-appointment__start")
            ]
            extra_context["treatment_record_url"] = reverse(
                "admin:booking_appointment_treatment_record", args=[patient.pk]
            )
            if request.user.has_perm("booking.take_payments"):
                # A year of receipts as one PDF, for the patient's insurance or taxes.
                extra_context["receipt_years"] = [
                    (year, reverse("admin:booking_patient_receipts", args=[patient.pk, year]))
                    for year in receipts.years_of(patient, clinic=Clinic.objects.current())
                ]
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="booking_patient_export",
            ),
            path(
                "<int:pk>/notes/add/",
                self.admin_site.admin_view(self.add_note_view),
                name="booking_patient_add_note",
            ),
            path(
                "<int:pk>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="booking_patient_erase",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        """Everything held about the patient, as a file they can read; the export is logged."""
        patient = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("booking.view_health_details"):
            raise PermissionDenied
        self.log_change(request, patient, "Exported everything held, for the patient.")
        data = patient_data.export(
            patient, visits=self.visible_visits(request, patient.pk), reader=request.user
        )
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="patient-{pk}.json"'
        return response

    @method_decorator(require_POST)
    def add_note_view(self, request, pk):
        """A dated note, added to the record's notes with its author; back to the record."""
        patient = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("booking.add_patientnote"):
            raise PermissionDenied
        form = NoteForm(request.POST)
        if form.is_valid():
            patients.add_note(patient=patient, text=form.cleaned_data["text"], author=request.user)
            messages.success(request, "Note added to the record.")
        else:
            messages.error(request, f"The note was not added: {form.errors['text'][0]}")
        return redirect(f"{reverse('admin:booking_patient_change', args=[pk])}#notes")

    def erase_view(self, request, pk):
        """Asks once, then erases the record and the personal details of every visit."""
        patient = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_delete_permission(request, patient):
            raise PermissionDenied
        if request.method == "POST":
            patient_data.erase(patient=patient, by=request.user)
            messages.success(
                request,
                f"Patient record #{pk} and its visits' details are erased"
                + (
                    "; its treatment notes are kept, as the law requires, with only the name "
                    "and date of birth."
                    if patient.treatment_notes.exists()
                    else "."
                ),
            )
            return redirect(reverse("admin:booking_patient_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase everything held about this patient?",
            "opts": self.model._meta,
            "patient": patient,
            "visit_count": patient.appointments.count(),
            "treatment_note_count": patient.treatment_notes.count(),
        }
        return TemplateResponse(request, "admin/booking/patient/erase.html", context)

    @admin.action(description="Merge selected records into the oldest", permissions=["change"])
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("created_at", "pk"))
        if len(records) < 2:
            messages.error(request, "Choose two or more records to merge.")
            return
        keep = patients.merge(keep=records[0], others=records[1:])
        messages.success(request, f"Merged {len(records)} records into {keep.name} (#{keep.pk}).")
