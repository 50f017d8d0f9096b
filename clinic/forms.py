"""Form pieces every public form shares (booking's requests, the library's comments and
mailing list): clinic may be imported by all of them."""

from django import forms


def honeypot():
    """A field hidden from people and screen readers (templates/includes/_honeypot.html), which
    form-filling scripts fill in: a public form with it filled in stores and sends nothing."""
    return forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
