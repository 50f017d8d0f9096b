from django import template

from articles.mailing import consent
from articles.mailing.forms import SignupForm, page_path

register = template.Library()


@register.inclusion_tag("articles/mailing/_signup_form.html", takes_context=True)
def signup_form(context, place):
    """The sign-up form for `place` (article, library, footer), posting to the mailing list's
    page. The footer leaves it out on a page that already shows one (an article, the library):
    one form a page is enough; and where a person is doing something else (below)."""
    request = context.get("request")
    shown = getattr(request, "mailing_signup_shown", False)
    if request is not None:
        request.mailing_signup_shown = True
    form = SignupForm(
        place=place, initial={"place": place, "path": page_path(getattr(request, "path", "/"))}
    )
    return {
        "form": form,
        "place": place,
        "wording": consent.wording(context["clinic"]),
        "hidden": place == "footer" and (shown or _on_a_task(request)),
    }


def _on_a_task(request):
    """The booking flow and the pages a secret link opens (one patient's visit, a reader's
    comment): a second email field there beside the patient's own would confuse, and an offer
    to subscribe would only distract. Known by URL namespace and route only (the library
    imports no booking code)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and (match.namespace == "booking" or "<secret:" in match.route)
