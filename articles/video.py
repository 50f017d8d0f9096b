"""Video links: only hosts we know how to embed without tracking, turned into their embed URLs."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError

_YOUTUBE_ID = re.compile(r"^[\w-]{11}$")
_VIMEO_ID = re.compile(r"^\d+$")
EMBED_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def embed_url(url):
    """The privacy-friendly embed URL for a YouTube or Vimeo link, or None."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/")
    video_id = None
    if host == "youtube.com" and path == "watch":
        video_id = parse_qs(parts.query).get("v", [""])[0]
    elif host == "youtube.com" and path.startswith(("embed/", "shorts/")):
        video_id = path.split("/", 1)[1]
    elif host == "youtu.be":
        video_id = path
    if video_id and _YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    if host in ("vimeo.com", "player.vimeo.com"):
        vimeo_id = path.rsplit("/", 1)[-1]
        if _VIMEO_ID.match(vimeo_id):
            return f"https://player.vimeo.com/video/{vimeo_id}"
    return None


def host_name(url):
    embed = embed_url(url)
    if embed is None:
        return None
    return "YouTube" if embed.startswith(EMBED_ORIGINS[0]) else "Vimeo"


def validate_video_url(url):
    if embed_url(url) is None:
        raise ValidationError(
            "Use a YouTube or Vimeo video link, e.g. https://www.youtube.com/watch?v=… ",
            code="unsupported_video",
        )
