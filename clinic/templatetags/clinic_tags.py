from django import template

from clinic.images import PORTRAIT, known_rendition_url

register = template.Library()


@register.inclusion_tag("includes/_portrait.html")
def portrait(therapist, width=320, sizes=None, eager=False):
    """A therapist's photo as a responsive WebP `<img>` with its size set, so nothing jumps."""
    if not therapist.photo:
        return {"therapist": therapist, "has_photo": False, "width": width}
    return {
        "therapist": therapist,
        "has_photo": True,
        "img": PORTRAIT.img_context(
            therapist, width=width, alt=therapist.photo_alt, sizes=sizes, eager=eager
        ),
    }


register.simple_tag(known_rendition_url, name="rendition_url")
