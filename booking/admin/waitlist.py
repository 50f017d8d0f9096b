"""Who is waiting for what. Patients add themselves online (and confirm by email); the front
desk adds a caller by phone, whose offers become calls on the dashboard, handled from here."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from booking import waitlist
from booking.admin.search import PhoneSearch
from booking.models import WaitlistEntry, WaitlistOffer
from booking.request.forms import normalize_phone
from booking.rules import selectors

SHOWN = [
    "name", "phone", "email", "service", "therapist", "is_new_patient", "first_day", "last_day",
    "part_of_day", "added_by", "created_at", "confirmed_at", "closed_at",
]  # fmt: skip


class CallerForm(forms.ModelForm):
    """A caller the desk puts on the list: name and phone, email only if they want emails."""

    class Meta:
        model = WaitlistEntry
        fields = [
            "name", "phone", "email", "service", "therapist", "is_new_patient", "first_day",
            "last_day", "part_of_day",
        ]  # fmt: skip
        labels = {
            "therapist": "Therapist (optional)",
            "email": "Email (optional)",
            "is_new_patient": "New patient (has not been to the clinic)",
        }
        help_texts = {
            "phone": "As the caller says it, e.g. 416-555-0142.",
            "email": "Without one, each time that frees up is a call on the dashboard.",
            "therapist": "Leave empty for any therapist who gives the service.",
        }
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["phone"].required = True

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"], settings.PHONE_REGION)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and first < timezone.localdate():
            self.add_error("first_day", "The first day cannot be in the past.")
        if first and last and last < first:
            self.add_error("last_day", "The last day cannot be before the first day.")
        elif first and last and last - first > waitlist.LONGEST_RANGE:
            self.add_error(
                "last_day", f"Keep it within {waitlist.LONGEST_RANGE.days} days of the first."
            )
        service, therapist = data.get("service"), data.get("therapist")
        new = data.get("is_new_patient", False)
        if (
            service
            and therapist
            and not selectors.therapist_sees(therapist, service, is_new_patient=new)
        ):
            self.add_error(
                "therapist",
                f"{therapist.name} does not give {service.name}"
                + (" to new patients." if new else "."),
            )
        return data


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(PhoneSearch, admin.ModelAdmin):
    list_display = [
        "who", "service", "therapist", "first_day", "last_day", "part_of_day", "closed_at",
    ]  # fmt: skip
    list_filter = ["service", "therapist", "part_of_day"]
    search_fields = ["email", "name", "phone"]
    date_hierarchy = "first_day"
    form = CallerForm

    @admin.display(description="Who")
    def who(self, entry):
        return entry.name or entry.email or entry.phone

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No edit / add / view icons beside service and therapist: the desk is on the phone.
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def get_fields(self, request, obj=None):
        return CallerForm.Meta.fields if obj is None else SHOWN

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else SHOWN

    def has_change_permission(self, request, obj=None):
        # Entries are read, never edited: what a patient asked for stays as asked.
        return False

    def save_model(self, request, obj, form, change):
        waitlist.add_caller(obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            f"{obj.name} is on the waitlist. A time that frees up for them will show on the "
            "dashboard as a call to make.",
        )
        return redirect(reverse("admin:booking_waitlistentry_changelist"))

    def get_urls(self):
        return [
            path(
                "calls/<int:pk>/declined/",
                self.admin_site.admin_view(self.declined_view),
                name="booking_waitlistentry_call_declined",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def declined_view(self, request, pk):
        """The caller does not want the offered time: the call leaves the dashboard."""
        if not request.user.has_perm("booking.change_waitlistentry"):
            raise PermissionDenied
        offers = selectors.appointments_visible_to(
            request.user, WaitlistOffer.objects.select_related("entry")
        )
        offer = get_object_or_404(offers, pk=pk)
        try:
            waitlist.record_declined(offer)
        except waitlist.CallAlreadyHandled as error:
            messages.warning(request, str(error))
        else:
            messages.success(
                request, f"Recorded: {offer.entry.name or offer.entry.phone} declined that time."
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:index")
        return redirect(back)
