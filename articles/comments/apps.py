"""Readers' questions and comments under articles, moderated by staff and answered by clinicians."""

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "articles.comments"
    label = "comments"
    verbose_name = "Readers' comments"

    def ready(self):
        from clinic import page_cache

        # Article pages are kept whole for anonymous readers (clinic/page_cache.py): a comment
        # published, answered, un-published or deleted shows at once (a form's closing time is
        # the article view's to say: articles/views.py). Not a comment posted to wait for staff,
        # which no page shows: each anonymous post would end every kept page of the site.
        page_cache.bump_on_change(self.get_models(), when=lambda row: row.is_or_was_published())
