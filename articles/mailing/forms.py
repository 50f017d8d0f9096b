from django import forms

from articles.mailing.models import Subscriber
from clinic import secret_routes
from clinic.forms import honeypot

HONEYPOT_MESSAGE = "We could not sign up this address. Please call us and we will add it."
PATH_LENGTH = Subscriber._meta.get_field("path").max_length


def page_path(path):
    """The page a sign-up form was on, as the consent record keeps it: the site's own path,
    a secret route's token taken out (an appointment or deletion link's token opens someone's
    data, and the record is shown to the owner and exported), cut to what the record holds: an
    article's address or a missing page's may be longer, and a sign-up never fails for it."""
    path = secret_routes.redact(path or "")
    if not path.startswith("/") or path.startswith("//"):
        return "/"
    return path[:PATH_LENGTH]


class SignupForm(forms.Form):
    """Email only; where it was shown travels with it for the consent record. The same form sits
    under an article and in the footer of one page: `auto_id` per place keeps their ids apart."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Please give the email address the articles should go to.",
            "invalid": "This does not look like an email address. Please check it, e.g. "
            "name@example.com.",
            "max_length": "This address is too long for us (254 characters at most).",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    place = forms.ChoiceField(choices=Subscriber.Place, widget=forms.HiddenInput)
    # No max_length: a longer path is cut (page_path), never refused in a field nobody sees.
    path = forms.CharField(widget=forms.HiddenInput)
    website = honeypot()

    def __init__(self, *args, place=Subscriber.Place.PAGE, **kwargs):
        kwargs.setdefault("auto_id", f"id_signup_{place}_%s")
        super().__init__(*args, **kwargs)
        self.place_name = place

    def clean_path(self):
        # Redacted again: a post says what it likes, and the form on a page may be an old one.
        return page_path(self.cleaned_data["path"])

    def clean_place(self):
        return self.cleaned_data["place"] or Subscriber.Place.PAGE
