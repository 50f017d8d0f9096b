"""The staff site: Django's admin, opening on the day's dashboard."""

from django.contrib import admin

from booking import dashboard


class ClinicAdminSite(admin.AdminSite):
    site_header = "Clinic staff"
    site_title = "Clinic staff"
    index_title = "Today"

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if request.user.has_perm("booking.view_appointment"):
            context["dashboard"] = dashboard.build(request.user)
        return super().index(request, context)
