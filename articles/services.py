"""Changing articles: every save goes through here so the body, its derived parts and old
addresses stay consistent whoever saves it (the admin, the demo loader)."""

from django.db import transaction

from articles.models import Article, ArticleSlugRedirect


def save_article(*, article: Article, previous_slug: str | None = None) -> Article:
    """Render the body, save, and keep the previous address working if the slug changed."""
    article.render_body()
    with transaction.atomic():
        article.save()
        if previous_slug and previous_slug != article.slug:
            ArticleSlugRedirect.objects.update_or_create(
                old_slug=previous_slug, defaults={"article": article}
            )
        # An address now in use again must not redirect away from itself.
        ArticleSlugRedirect.objects.filter(old_slug=article.slug).delete()
    return article


def user_can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def is_own_article(article: Article, user) -> bool:
    if article.author_user_id == user.pk:
        return True
    therapist = getattr(user, "therapist", None)
    return therapist is not None and article.author_therapist_id == therapist.pk
