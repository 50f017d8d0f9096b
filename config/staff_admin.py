"""The owner's pages for staff members in the admin: add one (who is then invited by email),
change one, send the invitation again. Wired in by ClinicAdminSite.get_urls."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts import roles
from config import staff_accounts
from config.staff_forms import NO_ROLE, ChangeStaffMemberForm, StaffMemberForm


def _owner_only(request):
    if not staff_accounts.is_owner(request.user):
        raise PermissionDenied


def _render(site, request, form, *, title, account=None):
    context = {
        **site.each_context(request),
        "title": title,
        "form": form,
        "account": account,
        "summaries": roles.SUMMARIES,
        "lasts": staff_accounts.link_lasts(),
        "opts": get_user_model()._meta,
    }
    if account is not None:
        context["invitation_pending"] = not account.has_usable_password()
        context["has_role"] = roles.role_of(account) is not None
    return TemplateResponse(request, "admin/accounts/staff_form.html", context)


def add_view(site, request):
    _owner_only(request)
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = staff_accounts.add_staff_member(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=form.chosen_role,
            therapist=data["therapist"],
            invited_by=request.user,
        )
        messages.success(
            request,
            f"{user.get_full_name()} is added as {form.chosen_role}. An email with a link to set their "
            f"password is on its way to {user.email} (it works for {staff_accounts.link_lasts()}).",
        )
        return redirect("admin:accounts_user_changelist")
    return _render(site, request, form, title="Add a staff member")


def _initial(account):
    therapist = getattr(account, "therapist", None)
    return {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": roles.role_of(account) or NO_ROLE,
        "therapist": therapist.pk if therapist else None,
        "is_active": account.is_active,
    }


def change_view(site, request, pk):
    _owner_only(request)
    account = get_object_or_404(get_user_model(), pk=pk)
    form = ChangeStaffMemberForm(request.POST or None, initial=_initial(account), account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_accounts.update_staff_member(
                account,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=form.chosen_role,
                therapist=data["therapist"],
                is_active=data["is_active"],
            )
        except staff_accounts.LastOwner:
            form.add_error(
                None,
                "This is the clinic's only active owner: give another account the Owner role "
                "first, or nobody could manage staff accounts.",
            )
        else:
            if form.chosen_role is None and account.is_active:
                messages.warning(request, f"{account.get_full_name()} is saved without a role.")
            else:
                messages.success(request, f"{account.get_full_name()} is saved.")
            return redirect("admin:accounts_user_changelist")
    title = f"Staff member: {account.get_full_name() or account.username}"
    return _render(site, request, form, title=title, account=account)


def invite_again_view(site, request, pk):
    """A new link, for someone whose first expired or went astray (the old one still works
    until it expires: Django's tokens cannot be withdrawn one by one)."""
    _owner_only(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    account = get_object_or_404(get_user_model(), pk=pk)
    if account.has_usable_password():
        messages.info(request, f"{account.get_full_name()} has already set a password.")
    elif not account.email:
        messages.error(request, "This account has no email address to send the invitation to.")
    else:
        with transaction.atomic():
            staff_accounts.send_invitation(account, invited_by=request.user)
        messages.success(request, f"A new invitation is on its way to {account.email}.")
    return redirect(reverse("admin:staff_change", args=[pk]))
