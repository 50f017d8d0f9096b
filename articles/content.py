"""Article bodies: Markdown written by staff, turned into sanitized HTML, a table of contents and
a reading time. Everything a page shows of a body comes through `render_body`."""

import math
import posixpath
import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

import markdown
import nh3
from django.conf import settings
from django.core.files.storage import default_storage
from markdown.extensions.toc import slugify

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "b", "i", "blockquote", "ul", "ol", "li",
    "a", "img", "figure", "figcaption", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
WORDS_PER_MINUTE = 200


@dataclass
class RenderedBody:
    html: str
    toc: list = field(default_factory=list)
    reading_minutes: int = 1


# Heading anchors carry a prefix so no heading can take an id the page itself uses ("main").
ANCHOR_PREFIX = "section-"
_ANCHOR = re.compile(rf"^{ANCHOR_PREFIX}[a-z0-9_-]+$")
_H1 = re.compile(r"<(/?)h1\b")


def _anchor_slug(value, separator):
    return ANCHOR_PREFIX + slugify(value, separator)


# What an uploaded file's URL is made of. Anything else (tabs and newlines that browsers drop,
# backslashes they read as slashes) could change where the browser really goes.
_MEDIA_PATH = re.compile(r"[A-Za-z0-9._~/%-]+")


def is_uploaded_file_url(value):
    """True only for the URL of a file that really is in our uploads.

    The path is decoded and normalised first, as a browser would: "/media/../admin/" or
    "/media/%2e%2e/admin/" would otherwise pass a prefix check and make every reader's browser
    request a page of ours that is not an image.
    """
    media = "/" + settings.MEDIA_URL.strip("/") + "/"
    if not _MEDIA_PATH.fullmatch(value) or not value.startswith(media):
        return False
    path = unquote(value)
    if posixpath.normpath(path) != path or not path.startswith(media):
        return False
    return default_storage.exists(path.removeprefix(media))


def _filter_attribute(tag, attribute, value):
    # Images may come only from our own uploads: no page may load anything from elsewhere.
    if tag == "img" and attribute == "src" and not is_uploaded_file_url(value):
        return None
    # No real address holds raw markup: Markdown can wrap a whole tag into a link's target.
    if attribute == "href" and any(character in value for character in '<>"'):
        return None
    if attribute == "id" and not _ANCHOR.match(value):
        return None
    return value


def sanitize(html):
    """Keep the structure staff can write; drop scripts, handlers, styles and foreign images."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _toc_entries(tokens):
    """Flatten Markdown's heading tree to the h2 and h3 entries a reader navigates by."""
    entries = []
    for token in tokens:
        level = max(token["level"], 2)
        if level <= 3:
            entries.append({"id": token["id"], "title": unescape(token["name"]), "level": level})
        entries.extend(_toc_entries(token["children"]))
    return entries


def reading_minutes(text):
    words = len(re.findall(r"\w+", text))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def render_body(source):
    """Markdown source to a RenderedBody: "##" is a section (h2), "###" a subsection (h3)."""
    converter = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty"],
        extension_configs={"toc": {"toc_depth": "1-3", "slugify": _anchor_slug}},
        output_format="html",
    )
    # The page's own <h1> is the title, so a "# heading" in the body becomes a section (h2).
    html = sanitize(_H1.sub(r"<\1h2", converter.convert(source)))
    plain_text = nh3.clean(html, tags=set())
    return RenderedBody(
        html=html,
        toc=_toc_entries(converter.toc_tokens),
        reading_minutes=reading_minutes(plain_text),
    )


def split_after_first_paragraph(html):
    """(The body up to and including its first paragraph, the rest): the page puts the hero
    image after the first paragraph, so a phone shows words first."""
    end = html.find("</p>")
    if end == -1:
        return html, ""
    end += len("</p>")
    return html[:end], html[end:]
