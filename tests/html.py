"""Reading pages the way a browser or crawler would, instead of matching raw markup."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from booking.request.selection import read_flow


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html, name=None):
    """Every start tag as (name, attributes), optionally only those called `name`."""
    collector = _TagCollector()
    collector.feed(html)
    return [(tag, attrs) for tag, attrs in collector.tags if name is None or tag == name]


def head_metadata(html):
    """Meta names/properties to their content, and link rels to their href."""
    data = {}
    for tag, attrs in tags(html):
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            data[attrs.get("name") or attrs["property"]] = attrs.get("content")
        elif tag == "link" and "rel" in attrs:
            data[f"link:{attrs['rel']}"] = attrs.get("href")
    return data


def booking_links(html):
    """What each booking link on a page carries, unsealed: [(href, {"service": 3, ...})]."""
    return [
        (attrs["href"], read_flow(dict(parse_qsl(urlsplit(attrs["href"]).query))))
        for tag, attrs in tags(html, "a")
        if attrs.get("href", "").startswith("/book/")
    ]
