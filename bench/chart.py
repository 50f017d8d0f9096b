"""The benchmark's results as a PNG bar chart (Pillow, already a dependency): each page's
throughput as a share of the bare 20-row template view in the same run, with the targets."""

from PIL import Image, ImageDraw, ImageFont

WIDTH, ROW, LEFT, RIGHT, TOP = 1100, 34, 380, 60, 60
TARGETS = {"booking steps": 0.4, "cacheable public pages": 0.8, "admin pages (vs stock)": 1.0}


def draw(rows, path, title, footer=""):
    """rows: [(label, ratio)]; writes the chart to `path`, with `footer` under it."""
    footer_lines = footer.splitlines()
    height = TOP + ROW * len(rows) + 80 + 22 * len(footer_lines)
    image = Image.new("RGB", (WIDTH, height), "white")
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=15)
    pen.text((20, 18), title, fill="black", font=font)
    span = WIDTH - LEFT - RIGHT
    top_ratio = max(1.0, *(ratio for _, ratio in rows))

    def x(ratio):
        return LEFT + int(span * ratio / top_ratio)

    for index, (label, ratio) in enumerate(rows):
        y = TOP + index * ROW
        pen.text((20, y + 8), label[:50], fill="black", font=font)
        pen.rectangle([LEFT, y + 6, x(ratio), y + ROW - 6], fill="#2f6f62")
        pen.text((x(ratio) + 6, y + 8), f"{ratio:.2f}", fill="black", font=font)
    bottom = TOP + ROW * len(rows)
    for number, (name, target) in enumerate(TARGETS.items()):
        pen.line([x(target), TOP - 6, x(target), bottom], fill="#b3261e", width=2)
        text = f"{target}: {name}"
        # Beside its line, or left of it when it would run off the picture.
        left = x(target) + 4
        if left + pen.textlength(text, font=font) > WIDTH - 10:
            left = x(target) - 4 - pen.textlength(text, font=font)
        pen.text((left, bottom + 8 + 18 * number), text, fill="#b3261e", font=font)
    for number, line in enumerate(footer_lines):
        pen.text((20, bottom + 70 + 22 * number), line, fill="black", font=font)
    image.save(path)
