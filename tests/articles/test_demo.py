import pytest
from django.core.management import call_command

from articles.models import Article, ArticleReference

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


def test_every_demo_reference_links_its_source_or_says_why_not():
    call_command("load_demo")
    references = list(ArticleReference.objects.all())
    assert references
    for reference in references:
        reference.full_clean()  # a link (a DOI for journal articles), or the reason there is none
    journals = [r for r in references if "Cochrane" in r.citation or "Annals" in r.citation]
    assert all(r.url.startswith("https://doi.org/") for r in journals)
