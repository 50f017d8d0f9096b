"""Searching the library: ranked full-text search on PostgreSQL, a plain fallback on SQLite."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

MAX_QUERY_LENGTH = 100


def clean_query(raw):
    # Databases refuse NUL characters; nobody searches for one.
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def search_articles(queryset, query):
    """Articles matching `query`, best match first."""
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        # Match with @@ (every word, in any form); rank only orders the matches.
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "-published_at")
        )
    words = query.split()
    matches = Q()
    for word in words:
        matches &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    return (
        queryset.filter(matches)
        .annotate(
            rank=Case(
                When(title__icontains=query, then=Value(3)),
                When(summary__icontains=query, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at")
    )
