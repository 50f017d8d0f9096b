from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from config import two_factor

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "8",
}


class StaffSignInForm(AdminAuthenticationForm):
    """The admin's sign-in, with the code from an authenticator app for those who use one."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        help_text="Only if you have set up two-factor sign-in.",
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not two_factor.is_on(user):
            return cleaned
        token = cleaned.get("otp_token", "")
        if not token:
            self.add_error("otp_token", "Enter the 6-digit code your authenticator app shows.")
            return cleaned
        device, error = two_factor.match(user, token)
        if device is None:
            self.add_error("otp_token", error)
            return cleaned
        # django-otp marks the session as verified when the sign-in completes.
        user.otp_device = device
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code", max_length=8, widget=forms.TextInput(attrs=CODE_ATTRS)
    )
