"""The staff site: Django's admin, opening on the day's dashboard, with two-factor sign-in."""

from functools import update_wrapper

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.comments import moderation
from articles.models import Article
from booking import dashboard
from config import staff_accounts, staff_admin, two_factor
from config.admin_forms import CodeForm, StaffSignInForm

REVIEWS_LISTED = 20
# Pages a staff member may open before the two-factor step is done.
BEFORE_TWO_FACTOR = {"two_factor", "logout"}
# The machinery's own records (roles' raw permissions, sign-in lockouts, authenticator apps,
# background tasks): under one "System" heading that only the owner sees.
SYSTEM = "System"
SYSTEM_APPS = {"auth", "axes", "otp_totp", "django_tasks_database", "emails"}
# What each is, in the owner's words, with the package's own name after it.
SYSTEM_NAMES = {
    "auth.Group": "Roles and their permissions (groups)",
    "axes.AccessAttempt": "Sign-in lockouts (access attempts)",
    "axes.AccessFailureLog": "Failed sign-ins (access failures)",
    "axes.AccessLog": "Sign-ins (access logs)",
    "otp_totp.TOTPDevice": "Authenticator apps (TOTP devices)",
    "django_tasks_database.DBTaskResult": "Background tasks (task results)",
}


class ClinicAdminSite(admin.AdminSite):
    site_header = "Clinic staff"
    site_title = "Clinic staff"
    index_title = "Today"
    login_form = StaffSignInForm
    login_template = "admin/clinic_login.html"

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if request.user.has_perm("booking.view_appointment"):
            context["dashboard"] = dashboard.dashboard_for(request.user)
        # Readers' comments waiting for a decision, oldest first, for staff who may moderate.
        context["comments_waiting"] = moderation.waiting_for(request.user)
        if request.user.has_perm("articles.change_article"):
            # Health content past its review date, oldest first: never silently stale.
            context["reviews_due"] = list(
                Article.objects.review_due().order_by("next_review_on")[:REVIEWS_LISTED]
            )
        return super().index(request, context)

    def admin_view(self, view, cacheable=False):
        """Every admin page first sends a signed-in person who still owes the code (or, when
        the owner requires it, has no app yet) to the two-factor page."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            step = two_factor.pending_step(request)
            if step and request.resolver_match.url_name not in BEFORE_TWO_FACTOR:
                return redirect(step)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def get_urls(self):
        def staff(view):
            return self.admin_view(lambda request, **kwargs: view(self, request, **kwargs))

        own = [
            path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"),
            path("staff/add/", staff(staff_admin.add_view), name="staff_add"),
            path("staff/<int:pk>/", staff(staff_admin.change_view), name="staff_change"),
            path(
                "staff/<int:pk>/invite-again/",
                staff(staff_admin.invite_again_view),
                name="staff_invite_again",
            ),
            path("system/", self.admin_view(self.system_view), name="system"),
        ]
        return own + super().get_urls()

    def get_app_list(self, request, app_label=None):
        """The sections as Django lists them, with the internal ones gathered last under
        "System" for the owner, and left out for everyone else. Made once per request: the
        dashboard asks for it twice (its page and the sidebar), each a round of permission
        checks."""
        if app_label is None and hasattr(request, "clinic_app_list"):
            return request.clinic_app_list
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        request.clinic_app_list = self._sections(request, app_list)
        return request.clinic_app_list

    def _sections(self, request, app_list):
        system = [app for app in app_list if app["app_label"] in SYSTEM_APPS]
        shown = [app for app in app_list if app["app_label"] not in SYSTEM_APPS]
        for app in shown:
            for model in app["models"]:
                if model["object_name"] == "User" and model.get("add_url"):
                    model["add_url"] = reverse("admin:staff_add")
        if system and staff_accounts.is_owner(request.user):
            models = [
                {
                    **model,
                    "name": SYSTEM_NAMES.get(
                        f"{app['app_label']}.{model['object_name']}", model["name"]
                    ),
                }
                for app in system
                for model in app["models"]
            ]
            shown.append(
                {
                    "name": SYSTEM,
                    "app_label": "system",
                    "app_url": reverse("admin:system"),
                    "has_module_perms": True,
                    "models": sorted(models, key=lambda model: model["name"]),
                }
            )
        return shown

    def system_view(self, request):
        if not staff_accounts.is_owner(request.user):
            raise PermissionDenied
        system = [app for app in self.get_app_list(request) if app["app_label"] == "system"]
        context = {
            **self.each_context(request),
            "title": SYSTEM,
            "subtitle": None,
            "app_list": system,
            "app_label": "system",
        }
        return TemplateResponse(request, "admin/app_index.html", context)

    def two_factor_view(self, request):
        """Set up an authenticator app, or enter its code for this session, or see that it is on."""
        user = request.user
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            error = two_factor.verify(request, form.cleaned_data["code"])
            if error is None:
                messages.success(request, "Two-factor sign-in is on for your account.")
                return redirect("admin:index")
            form.add_error("code", error)
        enrolled = two_factor.is_on(user)
        device = None if enrolled else two_factor.device_to_set_up(user)
        context = {
            **self.each_context(request),
            "title": "Two-factor sign-in",
            "form": form,
            "enrolled": enrolled,
            "verified": user.is_verified(),
            "required": two_factor.is_required(),
            "device": device,
            "qr_code": two_factor.qr_code_svg(device) if device else "",
            "manual_key": two_factor.manual_key(device) if device else "",
        }
        return TemplateResponse(request, "admin/two_factor.html", context)
