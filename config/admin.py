"""The staff site: Django's admin, opening on the day's dashboard, with two-factor sign-in."""

from functools import update_wrapper

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from articles.models import Article
from booking import dashboard
from config import two_factor
from config.admin_forms import CodeForm, StaffSignInForm

REVIEWS_LISTED = 20
# Pages a staff member may open before the two-factor step is done.
BEFORE_TWO_FACTOR = {"two_factor", "logout"}


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
        own = [path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor")]
        return own + super().get_urls()

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
