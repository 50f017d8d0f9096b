"""The mailing list: double opt-in sign-up, the article digest, one-click unsubscribe."""

from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "articles.mailing"
    label = "mailing"
    verbose_name = "Mailing list"

    def ready(self):
        from clinic import page_cache

        # Its own pages answer one reader (a sign-up's errors, a link's button): never kept. The
        # sign-up form on kept pages is the same for everyone (articles/mailing/views.py).
        page_cache.never_keep("mailing:subscribe")
