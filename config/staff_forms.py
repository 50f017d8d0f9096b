"""The owner's form for a staff member: name, email, one role, the therapist profile to link."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import format_html

from accounts import roles
from clinic.models import Therapist

NO_ROLE = ""


def _role_choices(*, with_none):
    choices = [
        (name, format_html('{} <span class="role-summary">{}</span>', name, summary))
        for name, summary in roles.SUMMARIES.items()
    ]
    if with_none:
        choices.append((NO_ROLE, "No role: this account can do nothing in the admin"))
    return choices


class StaffMemberForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        help_text="The invitation goes here, and it is the name they sign in with."
    )
    role = forms.ChoiceField(widget=forms.RadioSelect)
    therapist = forms.ModelChoiceField(
        Therapist.objects.none(),
        required=False,
        label="Therapist profile",
        empty_label="None",
        help_text="For a therapist: the profile whose day and patients they see.",
    )

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)
        # Profiles nobody signs in as yet, and this account's own.
        free = Q(user=None) | Q(user=account) if account else Q(user=None)
        self.fields["therapist"].queryset = Therapist.objects.filter(free)
        self.fields["role"].choices = _role_choices(with_none=account is not None)
        # Choosing no role is possible only on an existing account, and then warned about.
        self.fields["role"].required = account is None
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        if self.account is not None:
            taken = taken.exclude(pk=self.account.pk)
        if taken.exists():
            raise forms.ValidationError("Another staff account already has this email address.")
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == roles.THERAPISTS and not cleaned.get("therapist"):
            self.add_error(
                "therapist",
                "Choose the therapist profile this person works as: a therapist sees only their "
                "own profile's day.",
            )
        return cleaned

    @property
    def chosen_role(self):
        return self.cleaned_data["role"] or None


class ChangeStaffMemberForm(StaffMemberForm):
    is_active = forms.BooleanField(
        label="Active", required=False, help_text="Untick to stop this person signing in."
    )
    without_role = forms.BooleanField(
        label="Save without a role anyway", required=False, widget=forms.CheckboxInput
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("is_active")
            and cleaned.get("role") == NO_ROLE
            and not cleaned.get("without_role")
        ):
            self.add_error(
                "role",
                "Without a role this person can sign in but sees “You don’t have permission” on "
                "every page. Choose a role, or tick “Save without a role anyway”.",
            )
            self.needs_without_role = True
        return cleaned
