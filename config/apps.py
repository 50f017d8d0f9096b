from django.contrib.admin.apps import AdminConfig


class ClinicAdminConfig(AdminConfig):
    """Django's admin with the clinic's own site class (config/admin.py)."""

    default_site = "config.admin.ClinicAdminSite"
