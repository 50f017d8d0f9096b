"""The readers' side under an article: the form, its errors, what shows, the page cache, the
JSON-LD and the link that deletes a comment (articles/comments/views.py)."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles.comments import services
from articles.comments.models import Comment
from clinic import limiter, page_cache
from clinic.models import LimitedAction
from tests.articles.comments.conftest import post
from tests.html import tags

pytestmark = pytest.mark.django_db

TYPED = {"name": "Alex", "email": "alex@example.com", "body": "Does it help sciatica?"}


def page(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def send(client, article, meta=None, **data):
    """Post the form as a reader typed it (`meta`: what the browser sends with it)."""
    url = reverse("comments:post", args=[article.slug])
    return client.post(url, {**TYPED, **data}, **(meta or {}))


def json_ld(html):
    opening = '<script type="application/ld+json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def test_the_form_under_an_article_asks_three_things_and_says_it_is_not_advice(client, article):
    html = page(client, article)
    fields = {attrs["name"] for _, attrs in tags(html, "input") + tags(html, "textarea")}
    assert {"name", "email", "body"} <= fields
    assert "not medical advice" in html
    assert "private health details" in html
    assert "No comments yet." in html
    assert 'name="csrfmiddlewaretoken"' not in html  # the page is kept for every reader


def test_a_comment_is_thanked_and_shows_nothing_until_staff_publish_it(client, article):
    response = send(client, article)
    assert response.status_code == 302
    thanked = client.get(response["Location"]).content.decode()
    assert "Thank you for your comment" in thanked
    assert "Does it help sciatica?" not in page(client, article)
    assert Comment.objects.get().status == Comment.Status.WAITING
    assert LimitedAction.objects.filter(action="comment").count() == 1  # the one limiter


def test_errors_show_next_to_their_fields_and_keep_what_was_typed(client, article):
    response = send(client, article, email="alex@example", name="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please give a name to show with your comment." in html
    assert "This does not look like an email address" in html
    assert "Does it help sciatica?</textarea>" in html
    assert 'value="alex@example"' in html
    assert "Please check 2 things" in html
    assert not Comment.objects.exists()


def test_a_comment_too_long_says_how_long_it_is(client, article):
    html = send(client, article, body="x" * 2001).content.decode()
    assert "Please keep it under 2,000 characters (it has 2001)." in html


def test_the_honeypot_stops_a_script_and_stores_nothing(client, article):
    html = send(client, article, website="http://spam.example").content.decode()
    assert "We could not post this comment" in html
    assert not Comment.objects.exists()
    assert not LimitedAction.objects.exists()


def test_the_limiter_stops_a_sixth_comment_from_one_address_and_keeps_what_was_typed(
    client, article
):
    for n in range(limiter.RULES["comment"].per_contact_day):
        assert send(client, article, {"REMOTE_ADDR": f"10.0.0.{n}"}).status_code == 302
    html = send(client, article, {"REMOTE_ADDR": "10.0.1.1"}, body="One more").content.decode()
    assert "We have had several of these for this email address" in html
    assert "One more</textarea>" in html
    assert Comment.objects.count() == limiter.RULES["comment"].per_contact_day


def test_the_limiter_counts_one_connection_per_hour(article):
    visitor = Client(REMOTE_ADDR="10.0.0.3")
    for n in range(limiter.RULES["comment"].per_address_hour):
        assert send(visitor, article, email=f"{n}@example.com").status_code == 302
    html = send(visitor, article, email="new@example.com").content.decode()
    assert "new@example.com" in html
    assert "from your internet connection in the last hour" in html


def test_two_readers_of_the_kept_page_both_post_with_csrf_checks_on(article):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    filled = page(first, article)
    kept = page(second, article)
    assert kept == filled  # the second reader got the kept page
    assert send(first, article, email="one@example.com").status_code == 302
    assert send(second, article, email="two@example.com").status_code == 302
    assert Comment.objects.count() == 2


def test_a_post_from_another_sites_page_is_refused(article):
    reader = Client(enforce_csrf_checks=True)
    response = send(reader, article, {"HTTP_ORIGIN": "https://elsewhere.example"})
    assert response.status_code == 403
    assert not Comment.objects.exists()
    assert send(reader, article, {"HTTP_ORIGIN": "http://testserver"}).status_code == 302
    assert Comment.objects.count() == 1


def test_a_post_from_another_sites_page_shows_the_article_with_the_form_as_typed(article):
    response = send(Client(), article, {"HTTP_ORIGIN": "https://elsewhere.example"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Does massage help low back pain?" in html  # the article itself
    assert "Please press Send my comment to send it from our own page." in html
    assert "Does it help sciatica?</textarea>" in html
    assert 'value="Alex"' in html
    assert 'value="alex@example.com"' in html


def test_a_post_whose_origin_is_hidden_is_refused(article):
    """`Origin: null` is what a browser sends from a page that hides where it is (a sandboxed
    frame, a data: address): another site's page, dressed up, so it is refused like one."""
    response = send(Client(), article, {"HTTP_ORIGIN": "null"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_post_without_an_origin_is_accepted(article):
    """By design (clinic.forms.from_this_site): every current browser sends Origin with a form's
    post, so a post without one is not a browser on another site's page but a script or an old
    browser, and a script gains nothing by it: it could post the same comment itself, carrying
    no one's session, and the limiter and staff's moderation bound it as any other."""
    assert send(Client(), article).status_code == 302
    assert Comment.objects.get().status == Comment.Status.WAITING


def test_a_comment_that_closes_the_script_tag_stays_text(client, article, clinic, desk):
    attack = "</script><script>alert(1)</script>"
    comment = post(article, clinic, name=attack, body=attack)
    services.approve(comment, by=desk, clinic=clinic)
    html = page(client, article)
    assert attack not in html
    opening = '<script type="application/ld+json">'
    assert html.count(opening) == 1
    data = json_ld(html)  # the one block, whole: json.loads of everything up to its </script>
    [given] = data["comment"]
    assert (given["author"]["name"], given["text"]) == (attack, attack)
    start = html.index(opening)
    assert html.index("</script>", start) > html.index('"commentCount"', start)
    thread = html[html.index('id="comments-heading"') :]
    escaped = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<strong>{escaped}</strong>" in thread
    assert f'<p class="comment-body">{escaped}</p>' in thread


def test_published_comments_show_oldest_first_with_answers_and_dates_and_a_count(
    client, article, clinic, desk, dana, now
):
    first = post(article, clinic, name="Jo", body="First question", at=now)
    second = post(article, clinic, name="Kim", body="Second question")
    post(article, clinic, name="Lee", body="Not yet published")
    services.approve(second, by=desk, clinic=clinic)
    services.approve(first, by=desk, clinic=clinic)
    services.answer(first, by=dana, body="An answer", clinic=clinic)
    html = page(client, article)
    assert html.index("First question") < html.index("An answer") < html.index("Second question")
    assert "Not yet published" not in html
    assert "Answered by <strong>Dana Whitfield, RMT</strong>" in html
    assert "(2)" in html
    assert "March 1, 2027" in html
    assert "alex@example.com" not in html


def test_an_editors_answer_is_signed_with_the_clinics_name(client, article, clinic, editor):
    comment = post(article, clinic)
    services.answer(comment, by=editor, body="Hello", clinic=clinic)
    assert "Answered by <strong>Sam Lee, Test Clinic</strong>" in page(client, article)


def test_a_comment_shows_as_plain_text(client, article, clinic, desk):
    comment = post(
        article, clinic, body="<script>alert(1)</script> see https://spam.example <b>now</b>"
    )
    services.approve(comment, by=desk, clinic=clinic)
    html = page(client, article)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; see https://spam.example &lt;b&gt;" in html
    assert not [a for _, a in tags(html, "a") if "spam.example" in a.get("href", "")]


def test_the_kept_page_shows_a_comment_at_once_when_published_answered_or_deleted(
    client, article, clinic, desk, editor
):
    comment = post(article, clinic, body="Kept page question")
    assert "Kept page question" not in page(client, article)  # now kept
    services.approve(comment, by=desk, clinic=clinic)
    assert "Kept page question" in page(client, article)
    services.answer(comment, by=editor, body="Kept page answer", clinic=clinic)
    assert "Kept page answer" in page(client, article)
    services.delete_by_reader(comment)
    assert "Kept page question" not in page(client, article)


def changes_the_kept_pages(act):
    """Whether `act()` makes every kept page of the site out of date (the page cache's version)."""
    cache.set(page_cache.VERSION_KEY, "before", timeout=None)
    act()
    return cache.get(page_cache.VERSION_KEY) != "before"


def test_a_comment_waiting_for_staff_leaves_the_sites_kept_pages_alone(
    client, article, clinic, desk, dana
):
    assert not changes_the_kept_pages(lambda: send(client, article))
    waiting = Comment.objects.get()
    # Dana may answer but not publish: her answer waits with the comment, unseen too.
    assert not changes_the_kept_pages(
        lambda: services.answer(waiting, by=dana, body="Later", clinic=clinic)
    )
    assert not changes_the_kept_pages(lambda: services.reject(waiting, by=desk, reason="Spam"))
    never_shown = post(article, clinic)
    assert not changes_the_kept_pages(lambda: services.delete_by_reader(never_shown))


def test_a_published_comment_changes_the_kept_pages_each_time_it_changes(
    article, clinic, desk, editor
):
    comment = post(article, clinic)
    assert changes_the_kept_pages(lambda: services.approve(comment, by=desk, clinic=clinic))
    assert changes_the_kept_pages(
        lambda: services.answer(comment, by=editor, body="An answer", clinic=clinic)
    )

    def reject_after_publishing():
        published = Comment.objects.get(pk=comment.pk)
        published.status = Comment.Status.REJECTED
        published.save()

    assert changes_the_kept_pages(reject_after_publishing)
    again = services.approve(post(article, clinic, body="Another"), by=desk, clinic=clinic)
    assert changes_the_kept_pages(lambda: services.delete_by_reader(again))


def test_the_kept_page_lasts_no_longer_than_its_form(client, article, clinic, now):
    clinic.comments_open_days = 8
    clinic.save()
    response = client.get(article.get_absolute_url())
    assert response.page_cache_until == now + datetime.timedelta(days=1)


def test_a_closed_article_says_so_and_refuses_a_post_keeping_what_was_typed(client, article):
    article.comments_closed = True
    article.save()
    html = page(client, article)
    assert "Comments are closed." in html
    assert 'name="body"' not in html
    refused = send(client, article).content.decode()
    assert "Comments on this article are closed" in refused
    assert not Comment.objects.exists()


def test_comments_close_by_themselves(client, article, clinic, time_machine):
    time_machine.move_to(article.published_at + datetime.timedelta(days=90, seconds=1))
    assert "Comments are closed." in page(client, article)


def test_the_json_ld_gives_the_comments_and_their_count(client, article, clinic, desk, dana):
    comment = post(article, clinic, name="Jo", body="A question")
    services.approve(comment, by=desk, clinic=clinic)
    services.answer(comment, by=dana, body="The answer", clinic=clinic)
    post(article, clinic, name="Waiting", body="Unseen")
    data = json_ld(page(client, article))
    assert data["commentCount"] == 1
    [given] = data["comment"]
    assert given["author"] == {"@type": "Person", "name": "Jo"}
    assert (given["text"], given["dateCreated"][:10]) == ("A question", "2027-03-01")
    assert given["url"].endswith(f"/articles/massage-low-back-pain/#comment-{comment.pk}")
    [answer] = given["comment"]
    assert answer["author"] == {
        "@type": "Person", "name": "Dana Whitfield", "honorificSuffix": "RMT",
    }  # fmt: skip
    assert answer["text"] == "The answer"
    assert "alex@example.com" not in json.dumps(data)


def test_an_article_without_comments_counts_none(client, article):
    data = json_ld(page(client, article))
    assert data["commentCount"] == 0
    assert "comment" not in data


def test_the_emailed_link_asks_first_then_deletes(client, published, article):
    link = reverse("comments:delete", args=[published.delete_token])
    asked = client.get(link)
    assert "Delete my comment" in asked.content.decode()
    assert Comment.objects.filter(pk=published.pk).exists()  # a mail scanner deletes nothing
    done = client.post(link)
    assert "Your comment is deleted" in done.content.decode()
    assert not Comment.objects.filter(pk=published.pk).exists()
    assert "Thank you!" not in page(client, article)
    again = client.get(link)
    assert again.status_code == 410
    assert "already deleted" in again.content.decode()
