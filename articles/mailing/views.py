"""The mailing list's public pages: the sign-up's answer, the confirmation from the emailed link,
and the unsubscribe link every digest carries.

The sign-up form sits on pages kept whole for anonymous visitors (clinic/page_cache.py: articles,
the library, every footer), so it carries no CSRF token: a token is one visitor's, and a kept
page shows it to everyone. Its post is exempt from the token and checked by where it comes from
(clinic.forms.from_this_site); a post from another site's page is shown our page with the form
filled in, to send from here. A sign-up carries no one's authority (no session is read), and it
only sends a confirmation email, which the limiter and the outbox's daily cap bound."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles.mailing import consent, services
from articles.mailing.forms import HONEYPOT_MESSAGE, SignupForm
from articles.mailing.models import Subscriber
from clinic import limiter
from clinic.forms import from_this_site

ELSEWHERE = "Please press Subscribe to send this from our own page."


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@limiter.limited("subscribe")
def subscribe(request):
    """The mailing list's own page; the sign-up forms everywhere post here. Any problem shows
    the form again, as typed, with the reason next to the address."""
    if request.method == "GET":
        form = SignupForm(initial={"place": Subscriber.Place.PAGE, "path": request.path})
        return _signup_page(request, form)
    place = request.POST.get("place", Subscriber.Place.PAGE)
    form = SignupForm(request.POST, place=place if place in Subscriber.Place else "newsletter")
    if not form.is_valid():
        return _signup_page(request, form)
    data = form.cleaned_data
    try:
        if data["website"]:
            # The hidden honeypot field, filled in: a script, not a reader.
            raise limiter.LimitReached(HONEYPOT_MESSAGE)
        if not from_this_site(request):
            raise limiter.LimitReached(ELSEWHERE)
        services.subscribe(
            email=data["email"],
            place=data["place"],
            path=data["path"],
            wording=consent.wording(request.clinic),
            client_key=request.limit_address,
        )
    except limiter.LimitReached as error:
        form.add_error("email", str(error))
        return _signup_page(request, form)
    return redirect("mailing:check_email")


def _signup_page(request, form):
    context = {"form": form, "place": form.place_name, "wording": consent.wording(request.clinic)}
    return _page(request, "articles/mailing/subscribe.html", context)


def _page(request, template, context=None, status=200):
    # The list's own pages are about it: no second sign-up form in their footer
    # (articles/mailing/templatetags/mailing_tags.py).
    request.mailing_signup_shown = True
    return render(request, template, context, status=status)


@never_cache
def check_email(request):
    return _page(request, "articles/mailing/check_email.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation email: a page with a button (a mail scanner following the
    link confirms nothing); the POST starts the subscription."""
    subscriber = Subscriber.objects.filter(confirm_token=token).first()
    if subscriber is None or services.is_expired(subscriber):
        return _page(request, "articles/mailing/link_expired.html", status=410)
    if request.method == "POST":
        services.confirm(subscriber)
    context = {"subscriber": subscriber, "how_often": consent.how_often(request.clinic)}
    return _page(request, "articles/mailing/confirm.html", context)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every digest (and its List-Unsubscribe header). A GET shows a button; one
    POST unsubscribes, with no sign-in and no CSRF token: RFC 8058's one-click unsubscribe is a
    mail provider posting "List-Unsubscribe=One-Click" here, cookie-less. A link already used
    answers as done: the address is off the list either way."""
    subscriber = Subscriber.objects.confirmed().filter(unsubscribe_token=token).first()
    done = subscriber is None
    if request.method == "POST" and subscriber is not None:
        services.unsubscribe(subscriber)
        done = True
    return _page(request, "articles/mailing/unsubscribe.html", {"done": done})
