import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", password="browser-pass-1")


def sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_a_therapist_writes_a_draft_with_a_live_preview_and_previews_it(desktop_page, demo):
    page = desktop_page
    sign_in(page, "dana")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title:").fill("Stretches for the school run")
    page.get_by_label("Summary:").fill("Three stretches before lifting a car seat.")
    body = page.locator("textarea#id_body")
    body.fill("## Before you lift\n\nBend your **knees**.\n\n<script>alert(1)</script>")
    preview = page.locator(".markdown-preview")
    expect(preview.get_by_role("heading", name="Before you lift")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("knees")
    expect(preview.locator("script")).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(title="Stretches for the school run")
    assert article.status == Article.Status.DRAFT
    assert article.author_therapist.name == "Dana Whitfield"
    page.goto(f"/articles/preview/{article.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stretches for the school run")
    expect(page.get_by_text("only staff can see it")).to_be_visible()
    page.watch.assert_clean()
    # Last, as the browser logs the 404 itself as a console error.
    assert page.goto(article.get_absolute_url()).status == 404
