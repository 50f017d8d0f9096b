"""Demo portraits drawn with Pillow, so the demo needs no downloads and uses no one's likeness."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 800, 1000


def draw_portrait(*, seed, background, skin, hair, clothing):
    """A friendly head-and-shoulders illustration as JPEG bytes, the same for the same seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)

    # A soft vertical light so the picture is not flat.
    for y in range(HEIGHT):
        shade = int(28 * y / HEIGHT)
        r, g, b = background
        draw.line(
            [(0, y), (WIDTH, y)], fill=(max(r - shade, 0), max(g - shade, 0), max(b - shade, 0))
        )

    centre = WIDTH // 2 + rng.randint(-30, 30)
    # Shoulders and top.
    draw.ellipse([centre - 330, 700, centre + 330, 1300], fill=clothing)
    draw.polygon([(centre - 60, 700), (centre + 60, 700), (centre, 800)], fill=skin)
    # Neck and head.
    draw.rectangle([centre - 55, 560, centre + 55, 720], fill=skin)
    head_w, head_h = rng.randint(150, 175), rng.randint(195, 215)
    head_top = 300
    # Hair behind the head, then the face, then a fringe.
    hair_len = rng.choice([0, 80, 220])
    draw.ellipse(
        [
            centre - head_w - 25,
            head_top - 40,
            centre + head_w + 25,
            head_top + 2 * head_h + hair_len,
        ],
        fill=hair,
    )
    draw.ellipse([centre - head_w, head_top, centre + head_w, head_top + 2 * head_h], fill=skin)
    draw.chord(
        [centre - head_w - 10, head_top - 50, centre + head_w + 10, head_top + head_h],
        180,
        360,
        fill=hair,
    )
    # Eyes and a smile.
    eye_y = head_top + head_h + 10
    for dx in (-60, 60):
        draw.ellipse(
            [centre + dx - 12, eye_y - 10, centre + dx + 12, eye_y + 10], fill=(45, 35, 30)
        )
    draw.arc(
        [centre - 55, eye_y + 45, centre + 55, eye_y + 115], 20, 160, fill=(120, 55, 50), width=8
    )

    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
