"""Form pieces every public form shares (booking's requests, the library's comments and
mailing list): clinic may be imported by all of them."""

from django import forms
from django.conf import settings


def honeypot():
    """A field hidden from people and screen readers (templates/includes/_honeypot.html), which
    form-filling scripts fill in: a public form with it filled in stores and sends nothing."""
    return forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def from_this_site(request):
    """Whether a form post comes from one of the site's own pages (its Origin), when the
    browser says (every current browser does on a post; a script may not, and gains nothing).

    For the forms on pages kept whole for anonymous visitors (clinic/page_cache.py: the
    library's comment and mailing-list forms), which carry no CSRF token, since a token is one
    visitor's and a kept page shows it to everyone: their posts are exempt from the token and
    refused when another site's page sends them."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or origin in getattr(
        settings, "CSRF_TRUSTED_ORIGINS", []
    )
