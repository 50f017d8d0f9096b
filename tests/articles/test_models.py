import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleReference
from articles.services import save_article
from articles.video import embed_url, validate_video_url
from tests.factories import ArticleFactory, TherapistFactory, image_upload

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def test_only_published_and_due_scheduled_articles_are_live():
    live = ArticleFactory(title="Live")
    ArticleFactory(title="Draft", status=Article.Status.DRAFT, published_at=None)
    due = ArticleFactory(
        title="Due",
        status=Article.Status.SCHEDULED,
        published_at=NOW - datetime.timedelta(minutes=1),
    )
    ArticleFactory(
        title="Later",
        status=Article.Status.SCHEDULED,
        published_at=NOW + datetime.timedelta(days=1),
    )
    ArticleFactory(title="Future", published_at=NOW + datetime.timedelta(hours=2))
    assert set(Article.objects.published()) == {live, due}


def test_a_scheduled_article_goes_live_at_its_time_with_no_worker():
    article = ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=NOW + datetime.timedelta(hours=1)
    )
    assert not Article.objects.published(now=NOW).exists()
    assert list(Article.objects.published(now=NOW + datetime.timedelta(hours=1))) == [article]


def test_the_database_requires_a_publish_time_for_live_articles_and_an_author():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(author_therapist=None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "scheduled", "published_at": NOW - datetime.timedelta(days=1)}, "published_at",
         "A scheduled article needs a publish time in the future."),
        ({"status": "published", "published_at": None}, "published_at",
         "Scheduled and published articles need a publish time."),
        ({"reviewed_on": None}, "reviewed_on", "Give the date of the review."),
        ({"author_therapist": None}, "author_therapist",
         "Choose the author: a therapist or a staff member."),
        ({"hero_image": "x", "hero_alt": ""}, "hero_alt",
         "Describe the image for readers who cannot see it."),
    ],
)  # fmt: skip
def test_article_rules_give_a_message_on_the_right_field(changes, field, message):
    data = {
        "title": "T",
        "slug": "t",
        "summary": "S",
        "body": "B",
        "author_therapist": TherapistFactory(),
        "reviewer": TherapistFactory(),
        "reviewed_on": datetime.date(2026, 1, 1),
        "status": "draft",
    }
    data.update(changes)
    if data.get("hero_image") == "x":
        data["hero_image"] = image_upload()
    with pytest.raises(ValidationError) as error:
        Article(**data).full_clean()
    assert message in error.value.message_dict[field]


def test_rendering_fills_the_html_toc_and_reading_time():
    article = ArticleFactory(body="## Heat\n\n" + "word " * 450)
    assert article.body_html.startswith('<h2 id="section-heat">Heat</h2>')
    assert article.toc == [{"id": "section-heat", "title": "Heat", "level": 2}]
    assert article.reading_minutes == 3


def test_author_may_be_a_staff_member_instead_of_a_therapist(django_user_model):
    user = django_user_model.objects.create_user("writer", first_name="Robin", last_name="Lee")
    article = ArticleFactory(author_therapist=None, author_user=user)
    assert article.author_name == "Robin Lee"


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
    ],
)  # fmt: skip
def test_only_youtube_and_vimeo_links_become_private_embeds(url, embed):
    assert embed_url(url) == embed
    if embed is None:
        with pytest.raises(ValidationError):
            validate_video_url(url)


def test_a_scheduled_article_that_has_gone_live_can_still_be_corrected():
    article = ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=NOW - datetime.timedelta(hours=1)
    )
    article.title = "Fixed a typo"
    article.full_clean()  # no "needs a publish time in the future"


def test_an_old_address_of_another_article_cannot_be_reused():
    moved = ArticleFactory(slug="new-home")
    save_article(article=moved, previous_slug="old-home")
    other = ArticleFactory.build(
        slug="old-home", author_therapist=moved.author_therapist, reviewer=None, reviewed_on=None
    )
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "used to belong to another article" in error.value.message_dict["slug"][0]


def test_a_reference_needs_a_link_or_the_reason_it_has_none():
    bare = ArticleReference(article=ArticleFactory(), citation="Smith J. A book. 2020.")
    with pytest.raises(ValidationError) as refused:
        bare.full_clean()
    assert "say why there is none" in str(refused.value.message_dict["url"])
    bare.no_link_reason = "a printed book"
    bare.full_clean()


def test_a_review_is_due_again_a_year_later_unless_the_editor_says_otherwise():
    reviewed = datetime.date(2026, 3, 2)
    article = ArticleFactory(reviewed_on=reviewed)
    assert article.next_review_on == datetime.date(2027, 3, 2)
    article.next_review_on = reviewed
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "next_review_on" in refused.value.message_dict
