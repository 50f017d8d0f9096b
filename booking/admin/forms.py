"""The appointment form staff fill in: booking a caller, or changing a visit's time."""

from django import forms
from django.conf import settings
from django.utils import timezone

from booking.admin import params
from booking.models import Appointment
from booking.request.forms import normalize_phone
from booking.rules import availability, schedule, services, visits
from booking.rules.screening import QUESTIONS
from booking.templatetags.booking_tags import clinic_time
from clinic.models import Clinic, Service, Therapist

OUTSIDE_RULES_HELP = (
    "Staff may book where patients cannot online (short notice, outside working hours, on a "
    "closure day), after reading the warning. A time already taken is never allowed."
)
# The radio's values are the model field's own, so a saved visit shows its answer.
NEW_OR_RETURNING = [("True", "New: a first visit here"), ("False", "Returning: has been here")]
CALENDAR_PARAMS = ("therapist", "patient", "service")
# Every parameter initial_from_calendar reads: only its reading of them goes into the form.
READ_FROM_LINKS = (*CALENDAR_PARAMS, "start", "outside_rules", "waitlist_offer")


def service_label(service):
    return f"{service.name} — {service.duration_minutes} min"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return service_label(service)


class NewOrReturning(forms.RadioSelect):
    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        # "on" is the ticked box this radio replaced, posted by a form that was open in a
        # browser while the new version was deployed: it still means "new".
        return "True" if value == "on" else value

    def value_omitted_from_data(self, data, files, name):
        # Never "omitted": unanswered is resolved by the form (from the record, or an error),
        # not by the model's default of "new".
        return False


class AppointmentAdminForm(forms.ModelForm):
    service = ServiceChoiceField(queryset=Service.objects.all(), empty_label="Choose a service")
    outside_rules = forms.BooleanField(
        label="Book outside the usual rules", required=False, help_text=OUTSIDE_RULES_HELP
    )
    # No default: ticked by default, every caller was booked as new. A record decides for
    # itself (clean); for someone without one, the desk asks and says so.
    is_new_patient = forms.TypedChoiceField(
        label="New or returning",
        choices=NEW_OR_RETURNING,
        coerce=lambda value: value == "True",
        empty_value=None,
        required=False,
        widget=NewOrReturning,
        help_text="Ask a caller without a record whether they have been here before. For a "
        "record chosen above, it is set from its visits.",
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
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_breaks = []
        self._relax_patient_fields()
        self.therapist = self._chosen_therapist()
        if self.therapist and "service" in self.fields:
            # Only what this therapist gives; the script narrows it again when she changes.
            self.fields["service"].queryset = self.therapist.services.all()
            self.fields["service"].error_messages["invalid_choice"] = (
                f"{self.therapist.name} does not give that service. The list shows only the "
                f"services {self.therapist.name} gives."
            )
        if self.instance.pk is None and not self.is_bound:
            self._start_from_calendar()

    def _chosen_therapist(self):
        chosen = self.data.get(self.add_prefix("therapist")) if self.is_bound else None
        if chosen is None:
            chosen = self.initial.get("therapist") or self.instance.therapist_id
        if isinstance(chosen, Therapist):
            return chosen
        chosen_id = params.read_id(chosen)
        return None if chosen_id is None else Therapist.objects.filter(pk=chosen_id).first()

    def _start_from_calendar(self):
        """A new booking opened from the calendar (or a record's "Book again"): its details
        filled in, and the public rules this time breaks named before Save, not after."""
        record = self.initial.get("patient")
        self.initial["is_new_patient"] = None
        if record:
            start = self.initial.get("start")
            self.initial["is_new_patient"] = not visits.has_visited(record, before=start)
            for field, attribute in _FROM_RECORD:
                self.initial[field] = getattr(record, attribute)
        if self.therapist and self.initial.get("start"):
            self.rule_breaks = rule_breaks(
                therapist=self.therapist,
                start=self.initial["start"],
                service=self.initial.get("service"),
            )
        if self.rule_breaks:
            self.initial["outside_rules"] = True

    def _relax_patient_fields(self):
        # With a record chosen, its details fill in whatever the caller did not give anew.
        for name in ("patient_name", "patient_phone"):
            if name in self.fields:
                self.fields[name].required = False

    def service_map(self):
        """What the script needs to narrow the service list when the therapist changes."""
        offered = {}
        for therapist_id, service_id in Service.therapists.through.objects.values_list(
            "therapist_id", "service_id"
        ):
            offered.setdefault(therapist_id, []).append(service_id)
        return {
            "services": [[s.pk, service_label(s)] for s in Service.objects.order_by("name")],
            "offered": offered,
        }

    def clean_patient_phone(self):
        phone = self.cleaned_data["patient_phone"]
        return normalize_phone(phone, settings.PHONE_REGION) if phone else ""

    def _fill_from_record(self, data):
        record = data.get("patient")
        if record and "is_new_patient" in self.fields:
            # The record knows, not the desk's guess: a returning patient is not told to come
            # early, and the export does not count them as new.
            data["is_new_patient"] = not visits.has_visited(record, before=data.get("start"))
        for field, attribute in _FROM_RECORD:
            if record and not data.get(field):
                data[field] = getattr(record, attribute)
        for field, message in (
            ("patient_name", "Enter the caller’s name, or choose their record above."),
            ("patient_phone", "Enter a phone number we can call, or choose their record above."),
            ("is_new_patient", "Ask whether the caller has been here before, or choose their "
             "record above."),
        ):  # fmt: skip
            if field in self.fields and data.get(field) in (None, "") and field not in self.errors:
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
            self.add_error("service", f"{therapist.name} does not give {service.name}.")
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
            now=now,
        )  # fmt: skip
        if breaks and not data.get("outside_rules"):
            self.add_error(
                "start",
                f"Patients could not book this time online: {'; '.join(breaks)}. To book it "
                "anyway, tick “Book outside the usual rules” and save again.",
            )
        return data


_FROM_RECORD = (("patient_name", "name"), ("patient_email", "email"), ("patient_phone", "phone"))


def rule_breaks(*, therapist, start, service=None):
    """The public rules a booking at `start` would break, before a service is chosen: for the
    service given, or for each the therapist gives (a rule only some break says which)."""
    clinic, now = Clinic.objects.current(), timezone.now()
    if start < now:
        return []
    offered = [service] if service else list(therapist.services.order_by("duration_minutes"))
    by_reason = {}
    for each in offered:
        for reason in availability.public_rule_breaks(
            clinic=clinic, service=each, therapist=therapist, start=start, now=now
        ):
            by_reason.setdefault(reason, []).append(each)
    return [
        reason if len(broken) == len(offered) else
        f"{reason} (for {', '.join(service_label(each) for each in broken)})"
        for reason, broken in by_reason.items()
    ]  # fmt: skip


def initial_from_calendar(query, *, patients, offers):
    """The calendar's "Book" link carries the therapist and the start as an ISO instant (and
    outside_rules=1 when the time needs it); a record's "Book again" the patient, therapist
    and service; a waitlist call's "Booked…" the offer, whose time, service, therapist and
    caller fill the form. `patients` and `offers` are those this account may see."""
    initial = _from_offer(offers, params.read_id(query.get("waitlist_offer")))
    for name in CALENDAR_PARAMS:
        if (pk := params.read_id(query.get(name))) is not None:
            initial[name] = pk
    if "patient" in initial:
        record = patients.filter(pk=initial["patient"]).first()
        initial["patient"] = record
        if record is None:
            del initial["patient"]
    if "service" in initial:
        initial["service"] = Service.objects.filter(pk=initial["service"]).first()
    if start := params.read_instant(query.get("start")):
        initial["start"] = start
    if query.get("outside_rules") == "1":
        initial["outside_rules"] = True
    return initial


def _from_offer(offers, pk):
    offer = None if pk is None else offers.filter(pk=pk).first()
    if offer is None:
        return {}
    return {
        "therapist": offer.therapist_id,
        "service": offer.entry.service_id,
        "start": offer.start,
        "patient_name": offer.entry.name,
        "patient_phone": offer.entry.phone,
        "patient_email": offer.entry.email,
    }
