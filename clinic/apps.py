from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_migrate, post_save

        from clinic import page_cache
        from clinic.models import Clinic, forget_read_clinic

        # Every model of the public pages: a change must show at once (clinic/page_cache.py);
        # the library wires its own (articles/apps.py). Not the limiter's counts, which no page
        # shows: each booking writes one, and would end every kept page.
        page_cache.bump_on_change(
            model for model in self.get_models() if model._meta.model_name != "limitedaction"
        )
        m2m_changed.connect(page_cache.bump, dispatch_uid="page-m2m")
        # A request that saves the clinic's details reads them afresh afterwards.
        post_save.connect(forget_read_clinic, sender=Clinic, dispatch_uid="clinic-read-once")
        post_migrate.connect(page_cache.create_cache_table, sender=self, dispatch_uid="cache-table")
