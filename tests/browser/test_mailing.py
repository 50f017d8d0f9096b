"""A reader subscribes under an article on a phone, confirms from the email, the digest arrives
with RFC 8058's headers, and one click unsubscribes: axe on every page, at 360 px; the owner's
digests page at 1366 px.

DOCS_SCREENSHOTS=1 writes docs/mailing-signup.png (the form under an article, 360 px),
docs/mailing-signup-footer.png, docs/mailing-signup-error.png and docs/mailing-digests.png (the
staff's page, 1366 px)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.browser import staff
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-massage-help-low-back-pain/"
READER = "alex@example.com"


def path_in(text, route):
    return re.search(rf"https?://[^/\s]+(/newsletter/{route}/[^\s>\"/]+/)", text).group(1)


def docs_element(locator, name):
    import os

    if os.environ.get("DOCS_SCREENSHOTS"):
        locator.screenshot(path=staff.DOCS / name)


def test_a_reader_subscribes_confirms_gets_the_digest_and_unsubscribes_in_one_click(
    browser, live_server, phone_page
):
    call_command("load_demo", password=staff.PASSWORD)
    reader = phone_page

    # Every page's footer carries the form (here the services' page).
    reader.goto("/services/")
    footer = reader.locator(".mailing-signup-footer")
    assert footer.get_by_label("Your email address").is_visible()
    assert_accessible(reader)
    docs_element(footer, "mailing-signup-footer.png")

    # A mistake first: told next to the field on the list's page, what was typed kept.
    reader.goto(ARTICLE)
    signup = reader.locator(".mailing-signup")
    assert reader.locator(".mailing-signup").count() == 1  # not again in the footer
    docs_element(signup, "mailing-signup.png")
    signup.get_by_label("Your email address").fill("alex@example")
    signup.get_by_role("button", name="Subscribe").click()
    form = reader.locator(".mailing-signup")
    assert "This does not look like an email address." in form.inner_text()
    assert form.get_by_label("Your email address").input_value() == "alex@example"
    assert_accessible(reader)
    docs_element(form, "mailing-signup-error.png")

    form.get_by_label("Your email address").fill(READER)
    form.get_by_role("button", name="Subscribe").click()
    reader.get_by_role("heading", name="Please check your email").wait_for()
    assert_accessible(reader)

    # The confirmation email: its link shows a button, the press confirms.
    [confirmation] = [sent for sent in mail.outbox if sent.to == [READER]]
    reader.goto(path_in(confirmation.body, "confirm"))
    assert_accessible(reader)
    reader.get_by_role("button", name="Yes, email me new articles").click()
    reader.get_by_role("heading", name="Thank you, you are subscribed").wait_for()
    assert_accessible(reader)

    # A new article, then the digest.
    article = Article.objects.get(slug="does-massage-help-low-back-pain")
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    call_command("send_article_digest", "--now")
    [digest] = [sent for sent in mail.outbox if sent.to == [READER] and "New from" in sent.subject]
    assert article.title in digest.body
    unsubscribe = path_in(digest.body, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The visible link shows a button; the mail provider's one click (RFC 8058) is one POST.
    reader.goto(unsubscribe)
    assert reader.get_by_role("button", name="Unsubscribe").is_visible()
    assert_accessible(reader)
    one_click = reader.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert one_click.status == 200
    reader.reload()
    reader.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert_accessible(reader)

    # It has ended: the next digest, with something new, does not reach the reader.
    mail.outbox.clear()
    Article.objects.exclude(slug="does-massage-help-low-back-pain").filter(
        status=Article.Status.PUBLISHED
    ).update(published_at=timezone.now())
    call_command("send_article_digest", "--now")
    assert [sent for sent in mail.outbox if sent.to == [READER]] == []
    reader.watch.assert_clean()

    # The owner's page of digests: the count, the one sent.
    context = browser.new_context(viewport=staff.ADMIN, base_url=live_server.url)
    owner = context.new_page()
    staff.sign_in(owner, "admin")
    owner.goto("/admin/mailing/digest/")
    assert "confirmed subscriber" in owner.locator(".mailing-summary").inner_text()
    assert_accessible(owner)
    staff.docs_screenshot(owner, "mailing-digests.png")
    context.close()
