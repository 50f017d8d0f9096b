"""Article bodies: Markdown written by staff, turned into sanitized HTML, a table of contents and
a reading time. Everything a page shows of a body comes through `render_body`."""

import math
import re
from dataclasses import dataclass, field
from html import unescape

import markdown
import nh3
from django.conf import settings

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


def _only_our_own_images(tag, attribute, value):
    """Images may come only from our own uploads: no page may load anything from elsewhere."""
    if (
        tag == "img"
        and attribute == "src"
        and not value.startswith("/" + settings.MEDIA_URL.lstrip("/"))
    ):
        return None
    return value


def sanitize(html):
    """Keep the structure staff can write; drop scripts, handlers, styles and foreign images."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_own_images,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _toc_entries(tokens):
    """Flatten Markdown's heading tree to the h2 and h3 entries a reader navigates by."""
    entries = []
    for token in tokens:
        if token["level"] in (2, 3):
            entries.append(
                {"id": token["id"], "title": unescape(token["name"]), "level": token["level"]}
            )
        entries.extend(_toc_entries(token["children"]))
    return entries


def reading_minutes(text):
    words = len(re.findall(r"\w+", text))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def render_body(source):
    """Markdown source to a RenderedBody; headings start at h2 under the article's own h1."""
    converter = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty"],
        extension_configs={"toc": {"baselevel": 2, "permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )
    html = sanitize(converter.convert(source))
    plain_text = nh3.clean(html, tags=set())
    return RenderedBody(
        html=html,
        toc=_toc_entries(converter.toc_tokens),
        reading_minutes=reading_minutes(plain_text),
    )
