import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITORS
from articles.models import Article
from articles.services import save_article
from tests.conftest import sign_in_as
from tests.factories import (
    ArticleFactory,
    ServiceFactory,
    TherapistFactory,
    TopicFactory,
)
from tests.html import booking_links, head_metadata, tags

pytestmark = pytest.mark.django_db

NOW = timezone.now()
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def library(clinic):
    back = TopicFactory(name="Back pain", slug="back-pain")
    safety = TopicFactory(name="Safety", slug="safety")
    dana = TherapistFactory(name="Dana Whitfield", slug="dana", credentials="RMT")
    marcus = TherapistFactory(name="Marcus Oyelaran", slug="marcus", credentials="MS, ATC")
    deep = ServiceFactory(name="Deep tissue massage", slug="deep-tissue", therapists=[dana])
    main = ArticleFactory(
        title="Does massage help low back pain?",
        slug="massage-back-pain",
        body="## What massage does\n\nIt relaxes muscles.\n\n## What research found\n\nA trial of 262 people.",
        author_therapist=dana,
        reviewer=marcus,
        reviewed_on=datetime.date(2026, 3, 2),
        published_at=days_ago(10),
        updated_on=datetime.date(2026, 4, 1),
        topics=[back, safety],
        related_services=[deep],
    )
    main.references.create(
        position=1, citation="Cherkin DC et al. 2001.", url="https://example.org/study"
    )
    close = ArticleFactory(
        title="When massage is not right",
        slug="not-right",
        topics=[back, safety],
        published_at=days_ago(5),
    )
    loose = ArticleFactory(
        title="Heat at home",
        slug="heat-at-home",
        topics=[back],
        published_at=days_ago(3),
        body="Use a warm bath for twenty minutes.",
    )
    ArticleFactory(title="Unrelated", slug="unrelated", published_at=days_ago(2))
    draft = ArticleFactory(
        title="Secret draft",
        slug="secret-draft",
        status=Article.Status.DRAFT,
        published_at=None,
        topics=[back],
        author_therapist=dana,
    )
    later = ArticleFactory(
        title="Scheduled piece",
        slug="scheduled-piece",
        status=Article.Status.SCHEDULED,
        published_at=NOW + datetime.timedelta(days=3),
        topics=[back],
        author_therapist=dana,
    )
    return {"main": main, "close": close, "loose": loose, "draft": draft, "later": later, "dana": dana,
            "marcus": marcus, "deep": deep, "back": back}  # fmt: skip


def titles(response):
    return [article.title for article in response.context["articles"]]


def test_library_lists_newest_first_with_featured_first_on_page_one(client, library):
    ArticleFactory(
        title="Featured old", slug="featured-old", featured=True, published_at=days_ago(60)
    )
    response = client.get(reverse("articles:list"))
    assert titles(response) == [
        "Featured old",
        "Unrelated",
        "Heat at home",
        "When massage is not right",
        "Does massage help low back pain?",
    ]


def test_library_is_paginated(client, clinic):
    for index in range(12):
        ArticleFactory(title=f"Piece {index:02}", published_at=days_ago(index + 1))
    first = client.get(reverse("articles:list"))
    second = client.get(reverse("articles:list"), {"page": 2})
    assert len(titles(first)) == 10
    assert titles(second) == ["Piece 10", "Piece 11"]
    assert "Older articles" in first.content.decode()
    assert client.get(reverse("articles:list"), {"page": 9}).status_code == 404


def test_topic_pages_list_only_that_topic(client, library):
    TopicFactory(name="Empty", slug="empty")
    response = client.get(reverse("articles:topic", args=["back-pain"]))
    assert set(titles(response)) == {
        "Does massage help low back pain?",
        "When massage is not right",
        "Heat at home",
    }
    assert client.get(reverse("articles:topic", args=["nope"])).status_code == 404


def test_a_topic_query_parameter_is_no_filter_of_its_own(client, library):
    """Topics have their own pages (which paginate within the topic); ?topic= is ignored."""
    everything = client.get(reverse("articles:list")).content.decode()
    assert "Heat at home" in everything
    assert (
        client.get(reverse("articles:list"), {"topic": "back-pain"}).content.decode() == everything
    )


def test_search_finds_words_in_the_body_and_keeps_what_was_typed(client, library):
    response = client.get(reverse("articles:list"), {"q": "warm bath"})
    assert titles(response) == ["Heat at home"]
    page = response.content.decode()
    assert 'value="warm bath"' in page
    assert "1 article found for “warm bath”" in page


def test_search_ranks_title_matches_above_body_matches(client, clinic):
    ArticleFactory(title="Stretching basics", body="A word on posture.", published_at=days_ago(1))
    ArticleFactory(title="Posture at the desk", body="Sit well.", published_at=days_ago(30))
    assert (
        titles(client.get(reverse("articles:list"), {"q": "posture"}))[0] == "Posture at the desk"
    )


def test_a_search_with_no_results_says_so(client, library):
    page = client.get(reverse("articles:list"), {"q": "zebra"}).content.decode()
    assert "No articles match your search" in page


@pytest.mark.parametrize("slug", ["secret-draft", "scheduled-piece"])
def test_drafts_and_scheduled_articles_never_leak(client, library, slug):
    title = Article.objects.get(slug=slug).title
    assert client.get(reverse("articles:detail", args=[slug])).status_code == 404
    pages = [
        reverse("articles:list"),
        reverse("articles:topic", args=["back-pain"]),
        reverse("articles:list") + "?q=" + title.split()[0],
        reverse("articles:feed"),
        reverse("sitemap"),
        reverse("clinic:home"),
        library["dana"].get_absolute_url(),
    ]
    for url in pages:
        assert title not in client.get(url).content.decode(), url
        assert slug not in client.get(url).content.decode(), url


def test_article_page_shows_who_wrote_and_reviewed_it_and_when(client, library):
    response = client.get(library["main"].get_absolute_url())
    page = response.content.decode()
    assert "Written by" in page
    assert "Dana Whitfield, RMT" in page
    # Marcus's credentials are not medical ones: the label says only what they are.
    assert "Medically reviewed" not in page
    assert re.search(r"Reviewed\s+by <a[^>]*>Marcus Oyelaran, MS, ATC</a>", page)
    assert "March 2, 2026" in page
    assert "next review" in page
    assert "Updated <time" in page
    assert "1 min read" in page
    assert library["marcus"].get_absolute_url() in page
    assert "not personal medical advice" in page
    assert "Cherkin DC et al. 2001." in page


def test_medically_reviewed_only_when_the_reviewer_holds_medical_credentials(client, library):
    marcus = library["marcus"]
    marcus.credentials, marcus.credentials_are_medical = "MD", True
    marcus.save()
    page = client.get(library["main"].get_absolute_url()).content.decode()
    assert re.search(r"Medically reviewed\s+by <a[^>]*>Marcus Oyelaran, MD</a>", page)


def test_an_article_past_its_review_date_is_marked_for_staff_and_listed_for_editors(
    client, library
):
    article = library["main"]
    Article.objects.filter(pk=article.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "Review due" not in client.get(article.get_absolute_url()).content.decode()
    sign_in_as(client, EDITORS, username="editor")
    assert "Review due" in client.get(article.get_absolute_url()).content.decode()
    front = client.get("/admin/").content.decode()
    assert "Articles due for review" in front
    assert article.title in front


def test_table_of_contents_links_to_the_headings(client, library):
    html = client.get(library["main"].get_absolute_url()).content.decode()
    heading_ids = {
        attrs["id"] for tag, attrs in tags(html, "h2") if attrs.get("id", "").startswith("section-")
    }
    toc_targets = {
        attrs["href"][1:]
        for tag, attrs in tags(html, "a")
        if attrs.get("href", "").startswith("#section-")
    }
    assert (
        toc_targets == heading_ids == {"section-what-massage-does", "section-what-research-found"}
    )


def test_related_articles_share_topics_most_shared_first(client, library):
    response = client.get(library["main"].get_absolute_url())
    assert [a.title for a in response.context["related_articles"]] == [
        "When massage is not right",
        "Heat at home",
    ]


def test_article_leads_to_booking_the_related_service_and_its_therapists(client, library):
    page = client.get(library["main"].get_absolute_url()).content.decode()
    assert {"service": library["deep"].pk} in [flow for href, flow in booking_links(page)]
    assert "Request Deep tissue massage" in page
    assert library["dana"].get_absolute_url() in page


def test_structured_data_parses_and_names_the_reviewer(client, library):
    html = client.get(library["main"].get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "MedicalWebPage"
    assert data["reviewedBy"]["name"] == "Marcus Oyelaran"
    assert data["reviewedBy"]["honorificSuffix"] == "MS, ATC"
    assert data["author"]["name"] == "Dana Whitfield"
    assert data["lastReviewed"] == "2026-03-02"
    assert data["dateModified"] == "2026-04-01"
    head = head_metadata(html)
    assert head["og:type"] == "article"
    assert head["description"] == library["main"].summary


def test_structured_data_cannot_be_broken_out_of(client, library):
    article = library["loose"]
    article.title = "</script><script>alert(1)</script>"
    save_article(article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_a_changed_slug_keeps_the_old_address_working(client, library):
    article = library["main"]
    old_url = article.get_absolute_url()
    article.slug = "massage-and-low-back-pain"
    save_article(article=article, previous_slug="massage-back-pain")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/articles/massage-and-low-back-pain/"
    # Changing it again still leads the oldest address to the newest.
    article.slug = "back-pain-and-massage"
    save_article(article=article, previous_slug="massage-and-low-back-pain")
    assert client.get(old_url)["Location"] == "/articles/back-pain-and-massage/"


def test_video_is_a_click_to_load_placeholder_that_loads_nothing_until_asked(client, library):
    article = library["main"]
    article.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    article.video_transcript = "Hello and welcome."
    save_article(article=article)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert not tags(html, "iframe")
    assert "Play the video" in html
    assert "Hello and welcome." in html
    assert "frame-src https://www.youtube-nocookie.com" in response["Content-Security-Policy"]
    other = client.get(library["close"].get_absolute_url())
    assert "frame-src 'none'" in other["Content-Security-Policy"]


def test_staff_preview_drafts_and_readers_cannot(client, admin_client, library):
    url = reverse("articles:preview", args=[library["draft"].pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret draft" in page
    assert "only staff can see it" in page
    assert head_metadata(page)["robots"] == "noindex, nofollow"
    assert client.get(url).status_code == 302


def test_the_feed_parses_and_lists_live_articles_newest_first(client, library):
    response = client.get(reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert entries == [
        "Unrelated",
        "Heat at home",
        "When massage is not right",
        "Does massage help low back pain?",
    ]
    assert feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text


def test_the_sitemap_parses_and_covers_every_kind_of_page_with_dates(client, library):
    response = client.get(reverse("sitemap"))
    root = ET.fromstring(response.content)
    urls = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
        for u in root.findall(f"{SITEMAP}url")
    }
    base = "http://testserver"
    for path in [
        "/",
        "/about/",
        "/therapists/",
        "/services/",
        "/articles/",
        library["main"].get_absolute_url(),
        library["back"].get_absolute_url(),
        library["dana"].get_absolute_url(),
        library["deep"].get_absolute_url(),
    ]:
        assert base + path in urls, path
    assert urls[base + library["main"].get_absolute_url()]
    assert urls[base + library["dana"].get_absolute_url()]


def test_home_therapist_and_service_pages_lead_to_articles(client, library):
    assert "Unrelated" in client.get(reverse("clinic:home")).content.decode()
    marcus_page = client.get(library["marcus"].get_absolute_url()).content.decode()
    assert "Articles by or reviewed by Marcus Oyelaran" in marcus_page
    assert "Does massage help low back pain?" in marcus_page
    service_page = client.get(library["deep"].get_absolute_url()).content.decode()
    assert "Does massage help low back pain?" in service_page


@pytest.mark.parametrize(
    "params", [{"q": "\x00"}, {"q": "back\x00pain"}, {"topic": "\x00"}, {"topic": "../x"}]
)
def test_odd_search_or_topic_values_never_cause_an_error(client, library, params):
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Health library</h1>" in page
    # A NUL alone searches for nothing, so the whole library shows; "back pain" finds its article.
    assert "Does massage help low back pain?" in titles(response)


def test_previewing_a_missing_article_is_not_found(admin_client, library):
    response = admin_client.get(reverse("articles:preview", args=[999999]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_writers_preview_only_their_own_drafts(client, library, django_user_model):
    writer = django_user_model.objects.create_user("marcus", password="x", is_staff=True)
    writer.groups.add(Group.objects.get(name="Therapists"))
    library["marcus"].user = writer
    library["marcus"].save()
    client.force_login(writer)
    others = client.get(reverse("articles:preview", args=[library["draft"].pk]))
    assert others.status_code == 404
    assert library["draft"].title not in others.content.decode()
    own = ArticleFactory(
        title="My own draft", author_therapist=library["marcus"], status=Article.Status.DRAFT,
        published_at=None,
    )  # fmt: skip
    mine = client.get(reverse("articles:preview", args=[own.pk]))
    assert mine.status_code == 200
    assert "<h1>My own draft</h1>" in mine.content.decode()
