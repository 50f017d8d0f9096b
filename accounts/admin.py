"""The list of staff accounts, for the owner: name, email, role, therapist profile, active.

Adding and changing a staff member happen on the owner's simple pages (config/staff_admin.py,
by URL name: they also link a therapist profile and send the invitation). Django's full form
with every field stays at this admin's change page, linked from the simple page, and warns
rather than saves silently an account that would have no role.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from accounts import roles
from accounts.models import User

NO_ROLE = "No role: can do nothing in the admin"


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    list_display = ["staff_member", "email", "role", "therapist_profile", "is_active", "last_login"]
    list_display_links = None
    list_filter = ["is_active", "groups"]
    ordering = ["first_name", "last_name", "username"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("therapist").prefetch_related("groups")

    @admin.display(description="Staff member", ordering="first_name")
    def staff_member(self, user):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:staff_change", args=[user.pk]),
            user.get_full_name() or user.username,
        )

    @admin.display(description="Role")
    def role(self, user):
        role = roles.role_of(user)
        if role is None:
            return format_html('<strong class="staff-no-role">{}</strong>', NO_ROLE)
        return role

    @admin.display(description="Therapist profile")
    def therapist_profile(self, user):
        therapist = getattr(user, "therapist", None)
        return str(therapist) if therapist else "—"

    def add_view(self, request, form_url="", extra_context=None):
        # One way to add someone: the page that also invites them.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:staff_add")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.is_active and roles.role_of(user) is None:
            messages.warning(
                request,
                f"{user.get_username()} has no role: they can sign in but see “You don’t have "
                "permission” on every page. Give them one of the roles "
                f"({', '.join(roles.ROLES)}).",
            )
