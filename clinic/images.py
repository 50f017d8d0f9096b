"""Validation of uploaded photos and the responsive renditions pages use."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from imagekit import ImageSpec
from imagekit.processors import ResizeToFill
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

# Portraits are shown at 4:5; each rendition is cropped to that so pages can set width and height.
PORTRAIT_WIDTHS = (160, 320, 640)
PORTRAIT_RATIO = (4, 5)


def validate_image_upload(upload):
    """Refuse anything that is not a real, reasonably sized JPEG, PNG or WebP.

    The extension says nothing: a renamed PDF is caught because Pillow cannot identify it.
    """
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


def portrait_height(width):
    return width * PORTRAIT_RATIO[1] // PORTRAIT_RATIO[0]


def portrait_spec(width):
    """An imagekit spec class that crops a portrait to `width` pixels wide, as WebP."""
    return type(
        f"Portrait{width}",
        (ImageSpec,),
        {
            "processors": [ResizeToFill(width, portrait_height(width))],
            "format": "WEBP",
            "options": {"quality": 80},
        },
    )
