from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from clinic.images import PORTRAIT
from clinic.models import (
    Clinic,
    Closure,
    Service,
    Specialty,
    Therapist,
    TimeOff,
    WorkingHours,
    time_zone_names,
)


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    """One record: the list page goes straight to it, and it can be neither added nor deleted."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            # Offered as a list read from this machine's tz database; the model validates.
            kwargs["widget"] = forms.Select(
                choices=[(name, name.replace("_", " ")) for name in time_zone_names()]
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["name", "short_description", "time_zone"]}),
        (
            "Address and contact",
            {
                "fields": [
                    "street_address",
                    "city",
                    "region",
                    "postal_code",
                    "country",
                    "phone",
                    "email",
                    "opening_hours",
                    "directions",
                    "visit_preparation",
                ]
            },
        ),
        (
            "Booking policy",
            {
                "fields": [
                    "min_notice_hours",
                    "booking_horizon_days",
                    "slot_step_minutes",
                    "cancellation_notice_hours",
                    "patient_moves_stay_confirmed",
                    "instant_booking_for_returning",
                    "request_expiry_hours",
                ]
            },
        ),
        (
            "Fees and receipts",
            {
                "fields": [
                    "currency",
                    "currency_symbol",
                    "tax_number",
                    "late_cancellation_fee",
                    "no_show_fee",
                    "email_receipts",
                ]
            },
        ),
        (
            "Limits on online requests",
            {"fields": ["max_holds_per_contact", "max_requests_per_address_hour"]},
        ),
        (
            "How long personal data is kept",
            {
                "fields": [
                    "keep_visits_months",
                    "keep_unbooked_days",
                    "treatment_notes_kept_years",
                    "receipts_kept_years",
                ]
            },
        ),
        (
            "Health library",
            {"fields": ["comments_open_days", "digest_every_days", "digest_hour"]},
        ),
        ("Staff sign-in", {"fields": ["require_two_factor"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The front desk edits the clinic's details; only the owner decides how staff sign in.
        if request.user.has_perm("clinic.require_two_factor"):
            return []
        return ["require_two_factor"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        clinic = Clinic.objects.current()
        return redirect(reverse("admin:clinic_clinic_change", args=[clinic.pk]))


class WorkingHoursFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        blocks = [
            form.instance
            for form in self.forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.instance.start_time
            and form.instance.end_time
        ]
        for index, block in enumerate(blocks):
            for other in blocks[index + 1 :]:
                if block.overlaps(other):
                    raise ValidationError(
                        f"{block} overlaps {other}. Blocks on one day must not overlap."
                    )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 1


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credentials",
        "title",
        "accepting_new_patients",
        "is_active",
        "display_order",
        "photo_thumbnail",
    ]
    list_editable = ["display_order"]
    list_filter = ["is_active", "accepting_new_patients", "specialties"]
    search_fields = ["name", "credentials", "title", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["specialties"]
    readonly_fields = ["photo_preview"]
    inlines = [WorkingHoursInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "title", "credentials", "credentials_are_medical", "user"]},
        ),
        (
            "Registration",
            {"fields": ["registration_number", "college", "registration_on_profile"]},
        ),
        ("Photo", {"fields": ["photo", "photo_preview", "photo_alt"]}),
        (
            "Profile",
            {
                "fields": [
                    "short_bio",
                    "bio",
                    "specialties",
                    "languages",
                    "years_in_practice",
                    "accepting_new_patients",
                ]
            },
        ),
        ("On the site", {"fields": ["is_active", "display_order"]}),
    ]

    # What a therapist may not change on her own profile: who she is on the site and how the
    # clinic lists her are the front desk's to set.
    CLINIC_SET_FIELDS = [
        "name",
        "slug",
        "title",
        "credentials",
        "registration_number",
        "college",
        "user",
        "is_active",
        "display_order",
    ]

    def _edits_all(self, request):
        return super().has_change_permission(request)

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        own = request.user.has_perm("clinic.change_own_profile")
        return own and (obj is None or (obj.user_id is not None and obj.user_id == request.user.pk))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if self._edits_all(request) else fields + self.CLINIC_SET_FIELDS

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if self._edits_all(request) else {}

    def get_list_editable(self, request):
        return self.list_editable if self._edits_all(request) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A plain list of staff accounts rather than an autocomplete: autocomplete would need
        # the right to browse user accounts, which the front desk, who link therapists to their
        # sign-in, should not need.
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Photo")
    def photo_thumbnail(self, obj):
        url = PORTRAIT.url(obj, 160) if obj.photo else None
        if not url:
            return "—"
        return format_html('<img src="{}" width="40" height="50" alt="">', url)

    @admin.display(description="Preview")
    def photo_preview(self, obj):
        if not obj.photo:
            return "No photo yet."
        url = PORTRAIT.url(obj, 160)
        if not url:
            return "The photo’s file is missing. Please upload it again."
        return format_html('<img src="{}" width="160" height="200" alt="{}">', url, obj.photo_alt)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "duration_minutes",
        "buffer_minutes",
        "price",
        "new_patients_allowed",
        "is_active",
        "display_order",
    ]
    list_editable = ["display_order"]
    list_filter = ["is_active", "new_patients_allowed", "therapists"]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["therapists"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "start", "end", "note"]
    list_filter = ["therapist"]
    list_select_related = ["therapist"]
    date_hierarchy = "start"
    search_fields = ["therapist__name", "note"]
    autocomplete_fields = ["therapist"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date"]
    date_hierarchy = "start_date"
    search_fields = ["name"]
