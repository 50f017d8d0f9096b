from django import template

from clinic.images import PORTRAIT_WIDTHS, portrait_height

register = template.Library()


@register.inclusion_tag("includes/_portrait.html")
def portrait(therapist, width=320, sizes=None, eager=False):
    """A therapist's photo as a responsive WebP `<img>` with its size set, so nothing jumps."""
    if not therapist.photo:
        return {"therapist": therapist, "has_photo": False, "width": width}
    urls = {w: getattr(therapist, f"photo_{w}").url for w in PORTRAIT_WIDTHS}
    return {
        "therapist": therapist,
        "has_photo": True,
        "src": urls.get(width, urls[max(PORTRAIT_WIDTHS)]),
        "srcset": ", ".join(f"{url} {w}w" for w, url in urls.items()),
        "sizes": sizes or f"{width}px",
        "width": width,
        "height": portrait_height(width),
        "eager": eager,
    }
