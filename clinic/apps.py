from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from clinic import page_cache

        # Every model of the public pages: a change must show at once (clinic/page_cache.py).
        # Not the limiter's counts, which no page shows: each booking writes one, and would
        # end every kept page.
        for label in ("clinic", "articles"):
            for model in apps.get_app_config(label).get_models():
                if model._meta.model_name == "limitedaction":
                    continue
                for signal in (post_save, post_delete):
                    signal.connect(page_cache.bump, sender=model, dispatch_uid=f"page-{model}")
        m2m_changed.connect(page_cache.bump, dispatch_uid="page-m2m")
        post_migrate.connect(page_cache.create_cache_table, sender=self, dispatch_uid="cache-table")
