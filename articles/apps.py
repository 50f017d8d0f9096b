from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Health library"

    def ready(self):
        from articles.models import Article
        from clinic import page_cache

        # The library's pages are kept whole for anonymous readers (clinic/page_cache.py): any
        # change to its records shows at once, a scheduled article at its publish time.
        # (Previews need nothing: staff have a session, and anyone else is sent to sign in.)
        page_cache.bump_on_change(self.get_models())
        page_cache.expires_with(Article.objects.next_publication)
