from django.apps import AppConfig


class AccountsConfig(AppConfig):
    # auth.User's key type, so the table of an older installation is adopted exactly as it is.
    default_auto_field = "django.db.models.AutoField"
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from django.apps import apps as global_apps
        from django.db.models.signals import post_migrate

        from accounts.roles import ensure_roles

        def roles_after_migrate(using, verbosity=0, apps=global_apps, **kwargs):
            # Setup, not business logic: every installation must have the staff roles.
            ensure_roles(using=using, apps=apps, verbosity=verbosity)

        post_migrate.connect(roles_after_migrate, sender=self, weak=False)
