"""An article's page reads a fixed number of queries however many comments and answers it has."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.comments import services
from tests.articles.comments.conftest import post

pytestmark = pytest.mark.django_db


def add_comments(article, clinic, desk, dana, first, last):
    for n in range(first, last + 1):
        comment = post(article, clinic, email=f"reader{n}@example.com", body=f"Question {n}")
        services.approve(comment, by=desk, clinic=clinic)
        services.answer(comment, by=dana, body=f"Answer {n}", clinic=clinic)


def queries_of(client, article):
    cache.clear()  # the page's own queries, not the page cache's hit
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    return len(queries), html


def test_an_article_with_2_or_20_comments_reads_the_same_queries(
    client, article, clinic, desk, dana
):
    add_comments(article, clinic, desk, dana, 1, 2)
    with_two, html = queries_of(client, article)
    assert "Answer 2" in html
    add_comments(article, clinic, desk, dana, 3, 20)
    with_twenty, html = queries_of(client, article)
    assert "Answer 20" in html
    assert "(20)" in html
    assert with_two == with_twenty
