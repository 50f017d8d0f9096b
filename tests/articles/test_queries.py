"""Library pages read a fixed number of queries, however many articles, topics and people."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    ServiceFactory,
    TherapistFactory,
    TopicFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


def build_library(size):
    topics = [TopicFactory() for _ in range(3)]
    therapists = [TherapistFactory(photo=image_upload(), photo_alt="Portrait") for _ in range(3)]
    services = [ServiceFactory(therapists=therapists) for _ in range(3)]
    articles = [
        ArticleFactory(
            title=f"Massage article {index}",
            author_therapist=therapists[index % 3],
            reviewer=therapists[(index + 1) % 3],
            topics=topics,
            related_services=services,
            hero_image=image_upload(size=(320, 180)),
            hero_alt="Hills",
        )
        for index in range(size)
    ]
    for article in articles:
        article.references.create(citation="A study.", url="https://example.org")
    return articles[0], topics[0]


PAGES = {
    "list": lambda article, topic: reverse("articles:list"),
    "topic": lambda article, topic: topic.get_absolute_url(),
    "search": lambda article, topic: reverse("articles:list") + "?q=massage",
    "detail": lambda article, topic: article.get_absolute_url(),
    "feed": lambda article, topic: reverse("articles:feed"),
    "sitemap": lambda article, topic: reverse("sitemap"),
}


def count_queries(client, url):
    client.get(url)  # Warm up: renditions are written on first view.
    cache.clear()  # the page's own queries, not the anonymous page cache's hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_library(client, clinic, page):
    small = count_queries(client, PAGES[page](*build_library(3)))
    large = count_queries(client, PAGES[page](*build_library(25)))
    assert small == large
    assert small <= 12
