import re

import phonenumbers
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from booking.models import WaitlistEntry
from booking.rules import selectors
from booking.rules.screening import QUESTIONS, RED_FLAGS
from booking.rules.services import PatientDetails
from clinic.forms import honeypot

# Links and markup have no place in a name; a name field is where spam puts them.
NOT_A_NAME = re.compile(r"://|www\.|[<>@{}\[\]]|\.(com|net|org|ru|io|xyz)\b", re.IGNORECASE)


def normalize_phone(value, region):
    """A phone number in international form (+14165550142), or a ValidationError."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise forms.ValidationError(
            "Enter a phone number we can call, for example 416-555-0142.", code="invalid_phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            "This phone number does not look complete. Please check it, including the area code.",
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PatientDetailsForm(forms.Form):
    """The patient's details and health screening. Carries the chosen time in hidden fields so
    every step can be re-checked on the server."""

    name = forms.CharField(
        label="Your full name",
        max_length=120,
        error_messages={"required": "Please give your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Please give your email address: your confirmation goes there."
        },
        help_text="We send your confirmation here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        max_length=30,
        error_messages={"required": "Please give a phone number we can reach you on."},
        help_text="In case we need to reach you about this visit.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    reason = forms.CharField(
        label="What would you like help with? (optional)",
        required=False,
        max_length=300,
        help_text="A few words is plenty. Only the clinic team sees this.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label="I agree to the clinic keeping these details to arrange my care, as described in "
        "the privacy notice.",
        # Rendered by crispy-forms, which prints help text as HTML: the link is ours.
        help_text=format_lazy(
            '<a href="{}">Read the privacy notice</a>.', reverse_lazy("clinic:privacy")
        ),
        error_messages={
            "required": "Please agree to the privacy notice so we can keep your details."
        },
    )

    # Asked only of a returning patient whose last answers were filled in (booking/returning.py).
    answers_checked = forms.BooleanField(
        label="I have checked my health answers above: they are true today.", required=False
    )

    website = honeypot()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in [*RED_FLAGS, *QUESTIONS]:
            self.fields[f"screen_{question.key}"] = forms.BooleanField(
                label=question.text, required=False
            )
        # Keep the consent box last, after the health questions.
        self.fields["consent"] = self.fields.pop("consent")

    @property
    def red_flag_fields(self):
        return [self[f"screen_{question.key}"] for question in RED_FLAGS]

    @property
    def screening_fields(self):
        return [self[f"screen_{question.key}"] for question in QUESTIONS]

    def red_flag_answers(self):
        """Read straight from what was sent, valid or not: a red flag ends the request before
        any other field matters."""
        return {
            q.key: self.fields[f"screen_{q.key}"].to_python(self.data.get(f"screen_{q.key}"))
            for q in RED_FLAGS
        }

    def all_answers(self):
        """Every question with the patient's answer, for the review page."""
        return [
            (question.text, bool(self.cleaned_data.get(f"screen_{question.key}")))
            for question in [*RED_FLAGS, *QUESTIONS]
        ]

    @property
    def contact_fields(self):
        return [self["name"], self["email"], self["phone"], self["reason"]]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if NOT_A_NAME.search(name):
            raise forms.ValidationError(
                "Please enter just your name, without web addresses or symbols such as < > @.",
                code="not_a_name",
            )
        return name

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"], settings.PHONE_REGION)

    def screening_answers(self):
        return {q.key: bool(self.cleaned_data.get(f"screen_{q.key}")) for q in QUESTIONS}

    def patient_details(self, *, is_new_patient):
        data = self.cleaned_data
        return PatientDetails(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            is_new_patient=is_new_patient,
            reason=data["reason"],
            screening=self.screening_answers(),
            consented=data["consent"],
        )


class WaitlistForm(forms.Form):
    """Which days and part of the day suit the patient, and where to tell them."""

    website = honeypot()

    email = forms.EmailField(
        label="Your email",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    first_day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    part_of_day = forms.ChoiceField(
        label="Which part of the day suits you?",
        choices=WaitlistEntry.PartOfDay,
        initial=WaitlistEntry.PartOfDay.ANY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, today, horizon, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.horizon = today, horizon
        for name in ("first_day", "last_day"):
            self.fields[name].widget.attrs.update(min=today.isoformat(), max=horizon.isoformat())

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day < self.today:
            raise forms.ValidationError("Please choose today or a later day.")
        return day

    def clean_last_day(self):
        day = self.cleaned_data["last_day"]
        if day > self.horizon:
            raise forms.ValidationError(
                f"We book up to {self.horizon:%B} {self.horizon.day}; please choose that day or earlier."
            )
        return day

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "Please choose a day on or after the first one.")
        return cleaned


class SignInLinkForm(forms.Form):
    website = honeypot()
    email = forms.EmailField(
        label="The email address you gave us",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class ServiceChoiceForm(forms.Form):
    """Step one: new or returning, and which service (each with its length and price)."""

    patient = forms.ChoiceField(
        choices=[("new", "No, this is my first visit"), ("returning", "Yes, I have been before")],
        widget=forms.RadioSelect,
        error_messages={"required": "Please tell us whether you have been here before."},
    )
    service = forms.ModelChoiceField(
        label="Which service?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a service.",
            "invalid_choice": "Please choose one of these services.",
        },
    )

    def __init__(self, *args, clinic, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].label = f"Have you been to {clinic.name} before?"
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda service: (
            f"{service.name}: {service.duration_minutes} minutes, "
            f"{clinic.currency_symbol}{service.price}"
            + ("" if service.new_patients_allowed else " (for returning patients)")
        )

    def clean(self):
        cleaned = super().clean()
        service, patient = cleaned.get("service"), cleaned.get("patient")
        if service and patient:
            refusal = selectors.why_not_bookable(service, is_new_patient=patient == "new")
            if refusal:
                self.add_error("service", refusal)
        return cleaned
