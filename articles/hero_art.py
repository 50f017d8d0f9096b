"""Hero images for the demo articles, drawn with Pillow: calm abstract landscapes, no downloads."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900


def draw_hero(*, seed, sky, hills, accent):
    """A soft layered landscape as JPEG bytes; the same seed draws the same picture."""
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), sky)
    draw = ImageDraw.Draw(image)
    # A sun or moon.
    cx, cy, r = rng.randint(200, WIDTH - 200), rng.randint(120, 300), rng.randint(60, 110)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=accent)
    # Three layers of rolling hills, each darker and nearer.
    for layer in range(3):
        base = 480 + layer * 140
        shade = tuple(max(channel - layer * 28, 0) for channel in hills)
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 100, 100):
            points.append((x, base + rng.randint(-60, 60)))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=shade)
    image = image.filter(ImageFilter.GaussianBlur(3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
