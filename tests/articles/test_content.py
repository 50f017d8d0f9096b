from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.content import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    reading_minutes,
    render_body,
    sanitize,
)
from tests.html import tags

HOSTILE = [
    '<script>alert("x")</script>',
    '<img src="/media/a.jpg" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<p style="background:url(https://tracker.example/x.png)">hi</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle r="5"></circle></svg>',
    '<img src="https://tracker.example/pixel.gif" alt="">',
    '<img src="data:image/png;base64,AAAA" alt="">',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name="card"></form>',
    '<a href="#" onclick="steal()">x</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<!-- <script>alert(1)</script> -->",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    # Found by hypothesis: Markdown made the whole tag the target of an empty link.
    '[](<a href="javascript:alert(1)">click</a>',
]


def assert_safe(html):
    for tag, attrs in tags(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            # The sanitizer itself adds rel="noopener noreferrer" to every link.
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
            assert name in allowed, (tag, name)
            if name == "href":
                scheme = urlsplit(value).scheme
                assert scheme in URL_SCHEMES or scheme == "", value
            if name == "src":
                assert value.startswith("/media/"), value
            # title and alt are text a reader sees (Markdown may put a link's own text there);
            # in every other attribute the word would be something a browser acts on.
            if name not in ("title", "alt"):
                assert "javascript:" not in value.lower()
    # Text may mention these words (escaped); no element may be one.
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<style", "<svg", "<object"):
        assert needle not in lowered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_html_never_survives_as_raw_html_or_inside_markdown(hostile):
    assert_safe(sanitize(hostile))
    assert_safe(render_body(f"Intro paragraph.\n\n{hostile}\n\nMore text.").html)


def test_markdown_links_with_scripts_lose_their_target():
    html = render_body("[click me](javascript:alert(1)) and [ok](https://example.org)").html
    assert "javascript" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


@pytest.fixture
def uploaded_image(db):
    """A real file in the uploads, at /media/articles/body/stretch.jpg."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("articles/body/stretch.jpg", ContentFile(b"jpeg bytes"))
    yield "/media/" + name
    default_storage.delete(name)


def test_our_own_uploaded_images_stay_and_others_lose_their_source(uploaded_image):
    html = render_body(
        "![A stretch](/media/articles/body/stretch.jpg)\n\n![x](https://cdn.example/x.png)"
    ).html
    assert '<img alt="A stretch" src="/media/articles/body/stretch.jpg">' in html
    assert "cdn.example" not in html


@pytest.mark.parametrize(
    "source",
    [
        "/media/../admin/",
        "/media/articles/body/../../../admin/",
        "/media/%2e%2e/admin/",
        "/media/%2E%2E/admin/logout/",
        "/media/articles/body/..%2f..%2f..%2fadmin/",
        "/media/.%2e/admin/",
        "/media/articles\\..\\..\\admin/",
        "/media/..\t/admin/",
        "/media/articles/body/missing.jpg",
        "/media/articles/body/stretch.jpg?next=/admin/",
        "/media//evil.example/x.jpg",
        "//evil.example/media/articles/body/stretch.jpg",
    ],
)
def test_image_sources_that_leave_the_uploads_or_name_no_real_file_are_dropped(
    uploaded_image, source
):
    for html in (render_body(f"![x]({source})").html, sanitize(f'<img src="{source}" alt="x">')):
        assert "src=" not in html, html
    assert uploaded_image in render_body(f"![x]({uploaded_image})").html


markup = st.text(
    alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnopqrstuvwxyz:;()#!-[]*\n")),
    max_size=200,
)
tag_soup = st.lists(
    st.one_of(
        markup,
        st.sampled_from(HOSTILE),
        st.builds(
            lambda tag, attr, value: f"<{tag} {attr}={value!r}>",
            st.sampled_from(["a", "img", "div", "script", "svg", "h2", "p", "iframe", "td"]),
            st.sampled_from(["href", "src", "onerror", "style", "id", "onmouseover", "class"]),
            st.sampled_from(["javascript:x()", "/media/a.png", "https://x.example", "alert(1)"]),
        ),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(source=tag_soup)
def test_whatever_staff_type_the_rendered_body_is_safe(source):
    assert_safe(render_body(source).html)
    assert_safe(sanitize(source))


def test_headings_start_at_h2_and_feed_the_table_of_contents():
    rendered = render_body(
        "# Why it hurts\n\ntext\n\n### Muscles & joints\n\ntext\n\n#### Too deep\n"
    )
    assert '<h2 id="section-why-it-hurts">Why it hurts</h2>' in rendered.html
    assert '<h3 id="section-muscles-joints">Muscles &amp; joints</h3>' in rendered.html
    assert rendered.toc == [
        {"id": "section-why-it-hurts", "title": "Why it hurts", "level": 2},
        {"id": "section-muscles-joints", "title": "Muscles & joints", "level": 3},
    ]


def test_raw_html_cannot_take_an_id_the_page_uses():
    html = render_body('<h2 id="main">Main</h2>\n\n# Main').html
    assert 'id="main"' not in html
    assert '<h2 id="section-main">Main</h2>' in html


def test_repeated_headings_get_distinct_anchors():
    rendered = render_body("## Heat\n\na\n\n## Heat\n\nb")
    assert [entry["id"] for entry in rendered.toc] == ["section-heat", "section-heat_1"]


@pytest.mark.parametrize(("words", "minutes"), [(1, 1), (200, 1), (201, 2), (1000, 5)])
def test_reading_time_is_derived_from_the_words(words, minutes):
    assert reading_minutes(" ".join(["word"] * words)) == minutes
    assert render_body(" ".join(["word"] * words)).reading_minutes == minutes
