import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_complete_and_written_for_this_clinic():
    call_command("load_demo")
    live = Article.objects.published()
    assert live.count() >= 8
    for article in live:
        assert article.author_therapist, article.slug
        assert article.reviewer, article.slug
        assert article.reviewed_on, article.slug
        assert article.topics.exists(), article.slug
        assert article.related_services.exists(), article.slug
        assert article.references.exists(), article.slug
        assert article.hero_image, article.slug
        assert article.hero_alt, article.slug
        assert article.toc, article.slug
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.filter(status=Article.Status.SCHEDULED).exclude(pk__in=live).exists()
