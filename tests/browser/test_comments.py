"""A reader comments under an article on a phone, the front desk publishes it from the dashboard,
a therapist answers it, and the reader's page (kept for anonymous readers) shows both; axe on
every page, the public ones at 360 px, the staff ones at 1366 px."""

import os
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser import staff
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-massage-help-low-back-pain/"
QUESTION = "Does it help when the pain goes down my leg? See https://example.com <b>thanks</b>"
ANSWER = "Often it does, gently; pain that runs below the knee is worth showing your doctor."


def docs_element(locator, name):
    """A part of a page as a picture in docs/, retaken only when asked (DOCS_SCREENSHOTS=1)."""
    if os.environ.get("DOCS_SCREENSHOTS"):
        locator.screenshot(path=staff.DOCS / name)


def staff_page(browser, live_server, username):
    context = browser.new_context(viewport=staff.ADMIN, base_url=live_server.url)
    page = context.new_page()
    staff.sign_in(page, username)
    return context, page


def test_a_reader_comments_staff_publish_and_answer_and_the_page_shows_both(
    browser, live_server, phone_page
):
    call_command("load_demo", password=staff.PASSWORD)
    reader = phone_page

    # The reader: a mistake first, told next to the field, nothing typed lost.
    reader.goto(ARTICLE)
    form = reader.locator("form.comment-form")
    form.get_by_label("Your email").fill("alex@example")
    form.get_by_label("Your comment or question").fill(QUESTION)
    form.get_by_role("button", name="Send my comment").click()
    assert reader.get_by_role("alert").filter(has_text="Please check 2 things").is_visible()
    form = reader.locator("form.comment-form")
    assert form.get_by_label("Your comment or question").input_value() == QUESTION
    assert "Please give a name to show with your comment." in form.inner_text()
    assert_accessible(reader)
    docs_element(reader.locator(".article-comments"), "comments-form-errors.png")

    form.get_by_label("Your name").fill("Alex")
    form.get_by_label("Your email").fill("alex@example.com")
    form.get_by_role("button", name="Send my comment").click()
    reader.get_by_text("Thank you for your comment.").wait_for()
    assert QUESTION not in reader.content()  # nothing shows before staff publish it
    assert_accessible(reader)

    # The front desk publishes it from the dashboard.
    desk_context, desk = staff_page(browser, live_server, "frontdesk")
    waiting = desk.locator(".comments-waiting")
    assert "Does it help when the pain goes down my leg?" in waiting.inner_text()
    assert_accessible(desk)
    docs_element(waiting, "comments-moderation.png")
    waiting.get_by_role("button", name=re.compile(r"^Publish\W+Alex’s comment$")).click()
    desk.get_by_text("is published.").wait_for()
    assert_accessible(desk)
    desk_context.close()

    # Dana, a therapist, answers it from the comments' list.
    dana_context, dana = staff_page(browser, live_server, "dana")
    dana.goto("/admin/comments/comment/")
    assert_accessible(dana)
    dana.get_by_role("link", name=re.compile("Does it help when the pain")).click()
    assert_accessible(dana)
    dana.get_by_role("link", name="Answer this comment").click()
    # Waits for the answer page (reading content() at once could catch it half loaded).
    expect(dana.get_by_text("Answered by Dana Whitfield, RMT")).to_be_visible()
    assert_accessible(dana)
    dana.get_by_label("Your answer").fill(ANSWER)
    dana.get_by_role("button", name="Publish the answer").click()
    dana.get_by_text("Your answer is published").wait_for()
    dana_context.close()

    # The reader's page (kept for anonymous readers) shows both at once, as plain text.
    reader.goto(ARTICLE)
    comments = reader.locator(".article-comments")
    assert QUESTION in comments.inner_text()
    assert ANSWER in comments.inner_text()
    assert "Answered by Dana Whitfield, RMT" in comments.inner_text()
    assert comments.get_by_role("link", name="https://example.com").count() == 0
    assert "Questions and comments (1)" in comments.inner_text()
    assert_accessible(reader)
    docs_element(comments, "comments-article.png")
    reader.watch.assert_clean()

    # The reader was told twice, each email with the link that deletes the comment.
    told = [m for m in mail.outbox if m.to == ["alex@example.com"]]
    assert [m.subject for m in told] == [
        "Your comment is published on Maple Grove Massage & Manual Therapy's health library",
        "Your comment has an answer from Maple Grove Massage & Manual Therapy",
    ]
    link = re.search(r"https?://\S+/comments/delete/\S+/", told[-1].body)[0]
    reader.goto(link.replace("http://testserver", live_server.url))
    assert_accessible(reader)
    reader.get_by_role("button", name="Delete my comment").click()
    reader.get_by_role("heading", name="Your comment is deleted").wait_for()
    reader.goto(ARTICLE)
    assert QUESTION not in reader.locator(".article-comments").inner_text()
