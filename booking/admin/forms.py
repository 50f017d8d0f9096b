"""The appointment form staff fill in: booking a caller, or changing a visit's time."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from booking.models import Appointment
from booking.request.forms import normalize_phone
from booking.rules import availability, schedule, services
from booking.rules.screening import QUESTIONS
from booking.templatetags.booking_tags import clinic_time
from clinic.models import Clinic

OUTSIDE_RULES_HELP = (
    "Staff may book where patients cannot online (short notice, outside working hours, on a "
    "closure day), after reading the warning. A time already taken is never allowed."
)


class AppointmentAdminForm(forms.ModelForm):
    outside_rules = forms.BooleanField(
        label="Book outside the usual rules", required=False, help_text=OUTSIDE_RULES_HELP
    )
    phone_screening = forms.MultipleChoiceField(
        label="Health screening read out on the phone",
        choices=[(question.key, question.text) for question in QUESTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick what the caller says applies to them now.",
    )

    class Meta:
        model = Appointment
        fields = [
            "service",
            "therapist",
            "start",
            "patient",
            "patient_name",
            "patient_email",
            "patient_phone",
            "is_new_patient",
            "reason",
        ]
        help_texts = {
            "patient": "Search by name, email or phone. Leave empty for someone new: a record "
            "is then made from the details below.",
            "patient_name": "Filled in from the record when you choose one.",
            "patient_email": "Optional for a caller; without it no email is sent.",
            "is_new_patient": "For a record chosen above, set from its visits: new until one "
            "has taken place.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relax_patient_fields()
        record = self.initial.get("patient")
        if record and "is_new_patient" in self.fields and not self.is_bound:
            self.initial["is_new_patient"] = not _has_visited(record)
        therapist = self.initial.get("therapist")
        if therapist and "service" in self.fields:
            # Booking from a free time in the calendar: only what this therapist offers.
            self.fields["service"].queryset = self.fields["service"].queryset.filter(
                therapists=therapist
            )

    def _relax_patient_fields(self):
        # With a record chosen, its details fill in whatever the caller did not give anew.
        for name in ("patient_name", "patient_phone"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_patient_phone(self):
        phone = self.cleaned_data["patient_phone"]
        return normalize_phone(phone, settings.PHONE_REGION) if phone else ""

    def _fill_from_record(self, data):
        record = data.get("patient")
        if record and "is_new_patient" in self.fields:
            # The record knows, not the box (ticked by default): a returning patient is not
            # told to come early, and the export does not count them as new.
            data["is_new_patient"] = not _has_visited(record)
        for field, attribute in (
            ("patient_name", "name"),
            ("patient_email", "email"),
            ("patient_phone", "phone"),
        ):
            if record and not data.get(field):
                data[field] = getattr(record, attribute)
        for field, message in (
            ("patient_name", "Enter the caller’s name, or choose their record above."),
            ("patient_phone", "Enter a phone number we can call, or choose their record above."),
        ):
            if not data.get(field) and field not in self.errors:
                self.add_error(field, message)

    def screening(self):
        return dict.fromkeys(self.cleaned_data.get("phone_screening", []), True)

    def clean(self):
        data = super().clean()
        self._fill_from_record(data)
        service, therapist, start = data.get("service"), data.get("therapist"), data.get("start")
        if not (service and therapist and start):
            return data
        if not therapist.services.filter(pk=service.pk).exists():
            self.add_error("therapist", f"{therapist.name} does not offer {service.name}.")
            return data
        moved = self.instance.pk is None or {"start", "therapist", "service"} & set(
            self.changed_data
        )
        if not moved or not (self.instance.pk is None or self.instance.is_active):
            return data
        now = timezone.now()
        if start < now:
            self.add_error("start", "This time has passed. Please choose a time from now on.")
            return data
        if start > now + schedule.REACH:
            self.add_error("start", "That is too far ahead. Please choose a date within ten years.")
            return data
        probe = Appointment(pk=self.instance.pk, service=service, therapist=therapist, start=start)
        clash = services.first_clash(probe)
        if clash:
            self.add_error(
                "start",
                f"{therapist.name} is already booked from {clinic_time(clash.start)} until "
                f"{clinic_time(clash.hold_until)} (with turnover), appointment {clash.reference}.",
            )
            return data
        breaks = availability.public_rule_breaks(
            clinic=Clinic.objects.current(), service=service, therapist=therapist, start=start,
            now=now, ignore_appointment_id=self.instance.pk,
        )  # fmt: skip
        if breaks and not data.get("outside_rules"):
            self.add_error(
                "start",
                f"Patients could not book this time online: {'; '.join(breaks)}. To book it "
                "anyway, tick “Book outside the usual rules” and save again.",
            )
        return data


def _has_visited(record):
    """Whether a visit of this patient record (an instance or its id) has taken place."""
    return Appointment.objects.filter(
        patient=record, status__in=[Appointment.Status.ARRIVED, Appointment.Status.COMPLETED]
    ).exists()


def initial_from_calendar(params):
    """The calendar's "Book" link carries the therapist and the start as an ISO instant."""
    initial = {}
    if params.get("therapist", "").isdigit():
        initial["therapist"] = int(params["therapist"])
    try:
        start = datetime.datetime.fromisoformat(params.get("start", ""))
    except ValueError:
        start = None
    if start and start.tzinfo:
        initial["start"] = start
    return initial
