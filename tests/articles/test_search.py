import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.search import clean_query, search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def search(query):
    return [a.title for a in search_articles(Article.objects.published(), query)]


@pytest.fixture
def articles(db):
    now = timezone.now()
    ArticleFactory(
        title="Easing back pain at home",
        summary="Heat and movement.",
        body="Warm baths relax stiff muscles.",
        published_at=now - datetime.timedelta(days=1),
    )
    ArticleFactory(
        title="Your first appointment",
        summary="What happens on the day.",
        body="We ask about back pain and your health history.",
        published_at=now - datetime.timedelta(days=2),
    )
    ArticleFactory(
        title="Prenatal massage",
        summary="Comfort during pregnancy, including for back pain.",
        body="Side-lying positions.",
        published_at=now - datetime.timedelta(days=3),
    )
    ArticleFactory(
        title="Draft on back pain",
        status=Article.Status.DRAFT,
        published_at=None,
    )


def test_queries_are_trimmed_and_capped():
    assert clean_query("  back \n pain  ") == "back pain"
    assert len(clean_query("x" * 500)) == 100


def test_every_search_matches_title_summary_or_body_and_skips_drafts(articles):
    found = search("back pain")
    assert set(found) == {"Easing back pain at home", "Your first appointment", "Prenatal massage"}
    assert found[0] == "Easing back pain at home"


@pytest.mark.postgres
def test_postgres_ranks_title_above_summary_above_body(articles):
    assert search("back pain") == [
        "Easing back pain at home",
        "Prenatal massage",
        "Your first appointment",
    ]


@pytest.mark.postgres
def test_postgres_understands_word_forms_and_web_search_syntax(articles):
    assert search("relaxing baths") == ["Easing back pain at home"]
    assert search('"back pain" -pregnancy') == [
        "Easing back pain at home",
        "Your first appointment",
    ]
