"""A returning patient's sign-in by emailed link: asking for it, and using it (a button: only
the POST spends the link)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking import returning
from booking.request.forms import SignInLinkForm
from booking.request.selection import Selection
from booking.views.request import HONEYPOT_MESSAGE
from clinic import limiter


@never_cache
@require_http_methods(["GET", "POST"])
@limiter.limited("sign_in")
def returning_sign_in(request):
    """A returning patient asks for a one-time link that fills in their details. The answer is
    the same whether or not the address is known: the email is queued in the outbox, never
    sent while the patient waits, and the limit counts every address alike."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            if form.cleaned_data["website"]:
                raise limiter.LimitReached(HONEYPOT_MESSAGE)
            returning.ask_for_link(email, client_key=request.limit_address)
        except limiter.LimitReached as error:
            form.add_error("email", str(error))
        else:
            return render(request, "booking/sign_in_sent.html", {"email": email})
    return render(request, "booking/sign_in.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def welcome_back(request, token):
    """The link in the sign-in email. GET shows a button and spends nothing (mail scanners
    open links); only the POST uses the link."""
    if request.method == "GET":
        if not returning.link_is_usable(token):
            return render(request, "booking/sign_in_expired.html", status=410)
        return render(request, "booking/sign_in_continue.html")
    patient = returning.use_link(request, token)
    if patient is None:
        return render(request, "booking/sign_in_expired.html", status=410)
    first_name = patient.name.split()[0] if patient.name else ""
    messages.success(
        request,
        f"Welcome back{', ' + first_name if first_name else ''}. Your details will be filled in.",
    )
    return redirect(Selection(patient="returning").url())
