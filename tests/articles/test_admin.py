import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, ArticleSlugRedirect
from tests.factories import ArticleFactory, TherapistFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(db):
    """A therapist who writes: the demo's Therapists group, linked to a therapist profile."""
    user = UserFactory(username="dana")
    user.groups.add(Group.objects.get(name="Therapists"))
    TherapistFactory(name="Dana Whitfield", slug="dana", user=user)
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def article_form(**overrides):
    data = {
        "title": "Stretching for desk workers",
        "slug": "stretching-for-desk-workers",
        "summary": "Three stretches.",
        "body": "## Neck\n\nTilt gently.",
        "hero_alt": "",
        "hero_caption": "",
        "reviewed_on": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "updated_on": "",
        "video_url": "",
        "video_transcript": "",
    }
    for prefix in ("references", "images"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_editors_see_status_author_reviewer_and_dates_in_the_list(client, editor, clinic):
    ArticleFactory(title="Heat at home")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"))
    page = response.content.decode()
    assert "Heat at home" in page
    for column in ("Status", "Author", "Reviewer", "Publish time", "Last updated"):
        assert column in page
    assert (
        client.get(reverse("admin:articles_article_changelist"), {"q": "heat"}).status_code == 200
    )


def test_a_therapist_writes_a_draft_that_is_theirs_whatever_the_form_says(client, writer, clinic):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    reviewer = TherapistFactory(name="Someone Else")
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(
            status="published",
            published_at_0="2026-01-01",
            published_at_1="09:00",
            reviewer=reviewer.pk,
            reviewed_on="2026-01-01",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert article.author_therapist.user == writer
    assert article.reviewer is None  # only an editor names the medical reviewer
    assert article.body_html == '<h2 id="section-neck">Neck</h2>\n<p>Tilt gently.</p>'


def test_a_therapist_sees_only_their_own_articles_and_cannot_edit_published_ones(
    client, writer, clinic
):
    own_draft = ArticleFactory(
        title="Mine", author_therapist=writer.therapist, status="draft", published_at=None
    )
    own_live = ArticleFactory(title="Mine, live", author_therapist=writer.therapist)
    ArticleFactory(title="Someone else's")
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Mine" in page
    assert "Someone else&#x27;s" not in page
    assert (
        client.get(reverse("admin:articles_article_change", args=[own_draft.pk])).status_code == 200
    )
    live_page = client.get(reverse("admin:articles_article_change", args=[own_live.pk]))
    assert live_page.status_code == 200
    assert live_page.context["has_change_permission"] is False
    response = client.post(
        reverse("admin:articles_article_change", args=[own_live.pk]),
        article_form(title="Hijacked", slug=own_live.slug),
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=own_live.pk).title == "Mine, live"


def test_an_editor_publishes_and_a_slug_change_leaves_a_redirect(client, editor, clinic):
    author = TherapistFactory()
    article = ArticleFactory(title="Old title", slug="old-title", status="draft", published_at=None)
    topic = TopicFactory()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(
            title="New title",
            slug="new-title",
            status="published",
            published_at_0="2026-01-05",
            published_at_1="09:00",
            author_therapist=author.pk,
            topics=[topic.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_live
    assert ArticleSlugRedirect.objects.get(old_slug="old-title").article == article
    assert client.get("/articles/old-title/")["Location"] == "/articles/new-title/"


def test_publishing_without_a_time_is_refused_next_to_the_field(client, editor, clinic):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(status="published", author_therapist=TherapistFactory().pk),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["published_at"] == ["Scheduled and published articles need a publish time."]
    assert 'value="Stretching for desk workers"' in response.content.decode()


def test_the_live_preview_renders_sanitized_html_for_staff_only(client, writer, clinic):
    url = reverse("admin:articles_article_preview_body")
    client.force_login(writer)
    response = client.post(url, {"body": "## Hi\n\n<script>alert(1)</script>**bold**"})
    assert response.json() == {
        "html": '<h2 id="section-hi">Hi</h2>\n\n<p><strong>bold</strong></p>'
    }
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"body": "x"}).status_code == 302


@pytest.mark.parametrize("role", ["editor", "writer"])
def test_the_editor_page_has_the_live_preview(client, clinic, role, request):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'class="markdown-editor"' in page
    assert "js/markdown-preview.js" in page
