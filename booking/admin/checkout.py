"""A visit's checkout in the admin: /admin/booking/appointment/<id>/checkout/

What the visit costs and what was paid, line by line with who and when, and what is owed. The
desk (booking.take_payments) charges the fee the service proposes (or another amount: a longer
session), adds an extra or a discount with its reason, the policy's fee for a no-show or a late
cancellation when it chooses to, and records payments and refunds. Anyone else who may see the
visit (its therapist) reads whether it is paid, with no form. The money's rules are
booking/checkout.py's; the visit is read through the selectors (the appointment admin's
queryset).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from booking import checkout, receipt_pdf, receipts
from booking.models import Charge, Patient, Payment, Receipt
from booking.rules import selectors
from clinic.models import Clinic

TAKES_PAYMENTS = "booking.take_payments"


class ChargeForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=())
    amount = forms.CharField(label="Amount", max_length=20)
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        required=False,
        help_text="Needed for an extra or a discount; printed on the receipt.",
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, prefix="charge", **kwargs)
        self.fields["kind"].choices = kinds


class PaymentForm(forms.Form):
    method = forms.ChoiceField(
        label="Paid by", choices=Payment.Method.choices, widget=forms.RadioSelect
    )
    amount = forms.CharField(label="Amount", max_length=20)
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        required=False,
        help_text="Needed for a refund.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="payment", **kwargs)


def urls(model_admin):
    def view(request, pk):
        return checkout_view(model_admin, request, pk)

    def pdf(request, pk, number):
        return receipt_pdf_view(model_admin, request, pk, number)

    def year(request, pk, year):
        return year_pdf_view(model_admin, request, pk, year)

    admin_view = model_admin.admin_site.admin_view
    return [
        path(
            "<int:pk>/checkout/",
            admin_view(require_http_methods(["GET", "POST"])(view)),
            name="booking_appointment_checkout",
        ),
        path(
            "<int:pk>/receipt/<int:number>/",
            admin_view(require_http_methods(["GET"])(pdf)),
            name="booking_appointment_receipt",
        ),
        path(
            "patient/<int:pk>/receipts/<int:year>/",
            admin_view(require_http_methods(["GET"])(year)),
            name="booking_patient_receipts",
        ),
    ]


def _pdf_response(content, name):
    response = HttpResponse(content, content_type="application/pdf")
    # Inline: it opens in the browser, to print or save.
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def receipt_pdf_view(model_admin, request, pk, number):
    """A receipt's PDF as issued, for the desk to print (the visit through the selectors)."""
    if not request.user.has_perm(TAKES_PAYMENTS):
        raise PermissionDenied
    visible = model_admin.get_queryset(request)
    receipt = get_object_or_404(Receipt, appointment__in=visible, appointment_id=pk, number=number)
    return _pdf_response(bytes(receipt.pdf), receipt_pdf.file_name(receipt.number))


def year_pdf_view(model_admin, request, pk, year):
    """A patient's receipts for a year's visits as one PDF, from their record."""
    if not request.user.has_perm(TAKES_PAYMENTS):
        raise PermissionDenied
    patient = get_object_or_404(
        selectors.patients_visible_to(request.user, Patient.objects.all()), pk=pk
    )
    if not receipts.FIRST_YEAR <= year <= receipts.LAST_YEAR:
        raise Http404
    content = receipts.year_of(
        patient, year, clinic=Clinic.objects.current(), visible=model_admin.get_queryset(request)
    )
    if content is None:
        raise Http404
    return _pdf_response(content, f"receipts-{year}.pdf")


def _charge_kinds(proposed):
    """The charges the desk may add now: what checkout proposes (the fee, a policy fee), then
    an extra and a discount."""
    offered = [(kind, f"{Charge.Kind(kind).label}: {words}") for kind, words, _ in proposed]
    return [
        *offered,
        (Charge.Kind.EXTRA, Charge.Kind.EXTRA.label),
        (Charge.Kind.DISCOUNT, Charge.Kind.DISCOUNT.label),
    ]


def checkout_view(model_admin, request, pk):
    appointment = get_object_or_404(
        model_admin.get_queryset(request).select_related("therapist", "service"), pk=pk
    )
    clinic = Clinic.objects.current()
    takes_payments = request.user.has_perm(TAKES_PAYMENTS)
    proposed = checkout.proposed_charges(appointment, clinic)
    account = checkout.account_of(appointment)
    charge_initial = {"kind": proposed[0][0], "amount": proposed[0][2]} if proposed else {}
    charge_form = ChargeForm(kinds=_charge_kinds(proposed), initial=charge_initial)
    payment_form = PaymentForm(initial={"amount": account.owing} if account.owing > 0 else {})

    if request.method == "POST":
        if not takes_payments:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "charge":
            charge_form = ChargeForm(request.POST, kinds=_charge_kinds(proposed))
            done = _act(charge_form, lambda data: checkout.charge(
                appointment, kind=data["kind"], amount=data["amount"], reason=data["reason"],
                by=request.user, clinic=clinic,
            ))  # fmt: skip
        elif action in ("pay", "refund"):
            payment_form = PaymentForm(request.POST)
            act = checkout.pay if action == "pay" else checkout.refund
            done = _act(payment_form, lambda data: act(
                appointment, method=data["method"], amount=data["amount"],
                reason=data["reason"], by=request.user,
            ))  # fmt: skip
            if done and action == "pay":
                done += _receipt_when_paid(appointment, request.user, clinic)
        elif action in ("receipt", "email"):
            done = _receipt_action(request, appointment, clinic, action)
        else:
            done = None
            messages.error(request, "Choose what to do: charge, take a payment or refund.")
        if done is not None:
            messages.success(request, f"{appointment.reference}: {done}.")
            return redirect(reverse("admin:booking_appointment_checkout", args=[pk]))

    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Checkout: {appointment.patient_name}",
        "appointment": appointment,
        "change_url": reverse("admin:booking_appointment_change", args=[pk]),
        "clinic": clinic,
        "account": account,
        "lines": _lines(appointment),
        "takes_payments": takes_payments,
        "charge_form": charge_form,
        "payment_form": payment_form,
        "missing_on_receipt": receipts.missing(appointment, clinic),
        "receipts": [
            (receipt, receipts.stale(receipt, account))
            for receipt in appointment.receipts.select_related("issued_by", "replaced_by")
        ],
    }
    return TemplateResponse(request, "admin/booking/appointment/checkout.html", context)


def _receipt_when_paid(appointment, by, clinic):
    """When the clinic emails receipts at once (Clinic.email_receipts) and this payment settled
    the visit: its receipt (a correction of one the account has moved on from), issued and
    emailed. Returns what that did, in words."""
    account = checkout.account_of(appointment)
    if not clinic.email_receipts or account.status != "paid":
        return ""
    standing = receipts.current(appointment.receipts.all()).first()
    if standing is not None and not receipts.stale(standing, account):
        return ""
    receipt = receipts.issue(appointment, by=by, clinic=clinic)
    sent = receipts.email(receipt, by=by)
    return f"; receipt no. {receipt.number} issued" + (" and emailed" if sent else "")


def _receipt_action(request, appointment, clinic, action):
    """Issue the receipt (a correction when one stands: it replaces it) or email the current
    one. Returns what was done, in words, or None (the refusal is a message)."""
    try:
        if action == "receipt":
            receipt = receipts.issue(appointment, by=request.user, clinic=clinic)
            replaced = f", replacing no. {receipt.replaces.number}" if receipt.replaces else ""
            return f"receipt no. {receipt.number} issued{replaced}"
        standing = receipts.current(appointment.receipts.all()).first()
        if standing is None:
            messages.error(request, "Issue a receipt first.")
            return None
        if receipts.email(standing, by=request.user) is None:
            messages.error(request, "This visit has no email address: print the receipt instead.")
            return None
    except receipts.ReceiptRefused as refused:
        messages.error(request, str(refused))
        return None
    return f"receipt no. {standing.number} emailed to {appointment.patient_email}"


def _act(form, act):
    """Run `act` on a valid form; its refusal goes next to the field it is about, with what
    was typed kept. Returns what was done, in words, or None."""
    if not form.is_valid():
        return None
    try:
        line = act(form.cleaned_data)
    except checkout.CheckoutRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return None
    return _said(line)


def _said(line):
    if isinstance(line, Charge):
        return f"{line.get_kind_display().lower()} of {line.amount:,} charged"
    if line.is_refund:
        return f"{-line.amount:,} refunded ({line.get_method_display().lower()})"
    return f"{line.amount:,} paid ({line.get_method_display().lower()})"


def _lines(appointment):
    """Charges and payments in the order they happened, as the page lists them."""
    charges = [
        {"at": c.created_at, "what": c.get_kind_display(), "words": c.description,
         "reason": c.reason, "charged": c.amount, "paid": None, "by": c.created_by}
        for c in appointment.charges.select_related("created_by")
    ]  # fmt: skip
    payments = [
        {"at": p.created_at, "what": "Refund" if p.is_refund else "Payment",
         "words": p.get_method_display(), "reason": p.reason, "charged": None,
         "paid": p.amount, "by": p.created_by}
        for p in appointment.payments.select_related("created_by")
    ]  # fmt: skip
    return sorted([*charges, *payments], key=lambda line: line["at"])
