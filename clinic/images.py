"""Validation of uploaded photos and the responsive renditions pages use."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from imagekit import ImageSpec
from imagekit.cachefiles.backends import CacheFileState, Simple
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

logger = logging.getLogger(__name__)
# Sources already reported as unusable, so a lost file is logged once, not on every page view.
_reported_sources = set()


class ProcessMemoryStateBackend(Simple):
    """imagekit's record of which renditions exist, kept in this process's memory instead of
    the default cache (IMAGEKIT_DEFAULT_CACHEFILE_BACKEND). The default cache is the database
    in production and may fail (a missing table): the page cache then serves pages uncached,
    and a page with a photo must not fail either. A process that does not know a rendition
    looks for its file once; the files themselves are shared."""

    _memory = LocMemCache(
        "imagekit-renditions", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 20000}}
    )

    @property
    def cache(self):
        return self._memory


# (prefix, width, source name) -> rendition URL, per process (Renditions.url).
_known_urls = {}


def validate_image_upload(upload):
    """Refuse anything that is not a real, reasonably sized JPEG, PNG or WebP.

    The extension says nothing: a renamed PDF is caught because Pillow cannot identify it.
    """
    if not isinstance(upload, UploadedFile):
        return  # A photo already stored was checked when it was uploaded.
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            "This photo is %(size)s; the limit is %(limit)s. Please upload a smaller file.",
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise ValidationError(
                    "This photo is %(width)s × %(height)s pixels, which is too large. "
                    "Please upload one under %(limit)s megapixels.",
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_UPLOAD_MAX_PIXELS // 1_000_000,
                    },
                )
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Please upload a JPEG, PNG or WebP photo.",
            code="not_an_image",
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Please upload a JPEG, PNG or WebP photo.",
            code="wrong_format",
            params={"format": image_format or "This kind of"},
        )


@dataclass(frozen=True)
class Renditions:
    """Crops of one uploaded image at a fixed aspect ratio, in several widths, as WebP.

    Every rendition has a known size, so pages can set width and height and nothing jumps while
    images load; browsers pick a width from `srcset`.
    """

    prefix: str
    source: str  # the model's image field the renditions are made from
    widths: tuple
    ratio: tuple

    def height(self, width):
        return width * self.ratio[1] // self.ratio[0]

    def attach(self, model):
        """Add an imagekit field `<prefix>_<width>` to `model` for each width."""
        for width in self.widths:
            spec = type(
                f"{self.prefix.title()}{width}",
                (ImageSpec,),
                {
                    "processors": [ResizeToFill(width, self.height(width))],
                    "format": "WEBP",
                    "options": {"quality": 80},
                },
            )
            model.add_to_class(
                f"{self.prefix}_{width}", ImageSpecField(source=self.source, spec=spec)
            )

    def url(self, obj, width):
        """A rendition's URL, worked out once per source file and process.

        imagekit names a rendition by hashing its pickled spec, which cost about a quarter of
        the home page's time when done for every image on every view. A new upload is a new
        source name, so a remembered URL never outlives its photo.
        """
        key = (self.prefix, width, getattr(obj, self.source).name)
        url = _known_urls.get(key)
        if url is None:
            url = rendition_url(obj, f"{self.prefix}_{width}")
            if url is not None:
                _known_urls[key] = url
        return url

    def img_context(self, obj, *, width, alt, sizes=None, eager=False):
        """Context for includes/_responsive_img.html; a placeholder of the same size when the
        photo's file is missing or broken."""
        urls = {w: self.url(obj, w) for w in self.widths}
        if None in urls.values():
            return {"missing": True, "width": width, "height": self.height(width), "eager": eager}
        return {
            "src": urls.get(width, urls[max(self.widths)]),
            "srcset": ", ".join(f"{url} {w}w" for w, url in urls.items()),
            "sizes": sizes or f"{width}px",
            "width": width,
            "height": self.height(width),
            "alt": alt,
            "eager": eager,
        }


PORTRAIT = Renditions(prefix="photo", source="photo", widths=(160, 320, 640), ratio=(4, 5))
HERO = Renditions(prefix="hero", source="hero_image", widths=(480, 960, 1440), ratio=(16, 9))


def rendition_url(obj, attribute):
    """The URL of one rendition, or None when its source file is missing or unreadable (a
    database restored without its media, a moved volume): one lost photo must not take a page
    down. Renditions are made on first use, so this is where a lost source shows."""
    rendition = getattr(obj, attribute)
    try:
        return rendition.url
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        # imagekit leaves the failed rendition marked "generating", and would hand out its URL
        # (a broken image) from then on: clear that, so the next page asks again.
        rendition.cachefile_backend.set_state(rendition, CacheFileState.DOES_NOT_EXIST)
        source = rendition.generator.source.name
        if source not in _reported_sources:
            _reported_sources.add(source)
            logger.error("Image %s cannot be read (%s); showing a placeholder.", source, error)
        return None


RENDITIONS = {renditions.prefix: renditions for renditions in (PORTRAIT, HERO)}


def known_rendition_url(obj, attribute):
    """`rendition_url` for an attribute such as "hero_1440", through the per-process memory."""
    prefix, width = attribute.rsplit("_", 1)
    return RENDITIONS[prefix].url(obj, int(width))
