import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article
from articles.services import save_article
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-massage-help-low-back-pain/"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", password="browser-pass-1")


def test_library_pages_pass_axe_on_phone_and_desktop(any_page, demo):
    page = any_page
    for path in [
        "/articles/",
        "/articles/topic/back-pain/",
        "/articles/?q=heat",
        "/articles/?q=zebra",
        ARTICLE,
        "/articles/when-massage-is-not-the-right-treatment/",
    ]:
        assert page.goto(path).status == 200
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.watch.assert_clean()


def test_a_reader_on_a_phone_searches_reads_follows_the_contents_and_reaches_booking(
    phone_page, demo
):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Health library").click()
    page.get_by_label("Search the library").fill("research back pain")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/articles/\?q=research"))
    page.get_by_role("link", name="Does massage therapy help low back pain?").click()
    page.wait_for_url(f"**{ARTICLE}")
    # The demo reviewers are massage therapists and an athletic therapist: "Reviewed", not
    # "Medically reviewed".
    expect(page.locator(".article-byline")).to_contain_text("Reviewed by")
    expect(page.locator(".article-byline")).not_to_contain_text("Medically")
    # On a phone the first paragraph starts on the first screen, and booking is at hand.
    expect(page.locator(".article-body p").first).to_be_in_viewport()
    expect(page.get_by_role("link", name="Book a visit about this")).to_be_in_viewport()

    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_text("On this page").click()  # the contents open on request
    contents.get_by_role("link", name="What the research found").click()
    page.wait_for_url(re.compile(r"#section-what-the-research-found$"))
    expect(page.get_by_role("heading", name="What the research found")).to_be_in_viewport()

    page.get_by_role("link", name="Request Initial assessment and treatment").click()
    page.wait_for_url(re.compile(r"/book/\?s=[\w-]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Request an appointment"
    expect(page.get_by_label("Initial assessment and treatment")).to_be_checked()
    page.watch.assert_clean()


def test_the_video_loads_nothing_from_its_host_until_the_reader_presses_play(desktop_page, demo):
    article = Article.objects.get(slug="what-is-medical-massage")
    article.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    article.video_transcript = "In this video Marcus explains medical massage."
    save_article(article=article)

    page = desktop_page
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # The closed network here cannot reach the host; route it so the frame loads predictably.
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(body="<p>player</p>", content_type="text/html"),
    )
    page.goto(article.get_absolute_url())
    assert_accessible(page)
    assert not [url for url in requests if "youtube" in url]
    page.get_by_role("button", name="Play the video").click()
    frame = page.locator("iframe.video-frame")
    frame.wait_for()
    assert frame.get_attribute("title") == "Video: What is medical massage?"
    assert [
        url
        for url in requests
        if url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    ]
