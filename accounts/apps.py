from django.apps import AppConfig


class AccountsConfig(AppConfig):
    # auth.User's key type, so the table of an older installation is adopted exactly as it is.
    default_auto_field = "django.db.models.AutoField"
    name = "accounts"
    verbose_name = "Staff accounts"
