"""The site's icons and default share image, drawn from the logo's « M » (manchette/news/static/manchette/logo.png).

The files live in static and are committed; run `python -m manchette.demo.brand` to draw them again:

    favicon.svg            the icon browsers prefer (any size, one small file)
    favicon.ico            16, 32 and 48 px, for browsers without SVG icons and for /favicon.ico
    apple-touch-icon.png   180 px, what phones put on a home screen
    partage.png            1200 × 675, the share image of a page that has none of its own (og:image, JSON-LD)

The « M » is the glyph of DejaVu Serif Bold (Bitstream Vera licence), the logo's own, copied here as its
outline (font units, y upwards): straight lines only, so the SVG and the bitmaps draw the very same shape.
"""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parents[1] / "news" / "static" / "manchette"
RED = (163, 22, 26)
WHITE = (255, 255, 255)
SHARE_SIZE = (1200, 675)
ICO_SIZES = ((16, 16), (32, 32), (48, 48))
TOUCH_SIZE = 180
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
SUPERSAMPLE = 4

M_OUTLINE = (
    (86, 0), (86, 121), (276, 121), (276, 1372), (86, 1372), (86, 1493), (702, 1493), (1128, 535),
    (1556, 1493), (2171, 1493), (2171, 1372), (1980, 1372), (1980, 121), (2171, 121), (2171, 0), (1403, 0),
    (1403, 121), (1593, 121), (1593, 1260), (1130, 219), (877, 219), (416, 1260), (416, 121), (606, 121), (606, 0),
)


def mark(left, top, width):
    """The « M » scaled to WIDTH, its top left corner at (LEFT, TOP), y downwards."""
    xs, ys = [x for x, _ in M_OUTLINE], [y for _, y in M_OUTLINE]
    scale = width / (max(xs) - min(xs))
    return [(left + (x - min(xs)) * scale, top + (max(ys) - y) * scale) for x, y in M_OUTLINE]


def mark_height(width):
    xs, ys = [x for x, _ in M_OUTLINE], [y for _, y in M_OUTLINE]
    return width * (max(ys) - min(ys)) / (max(xs) - min(xs))


def icon_points(size):
    """The « M » on a SIZE square, with the logo's margins (its width about 71 % of the square)."""
    width = size * 0.71
    return mark((size - width) / 2, (size - mark_height(width)) / 2, width)


def favicon_svg():
    points = " ".join(f"{x:.2f},{y:.2f}" for x, y in icon_points(64))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="6" fill="#{"".join(f"{c:02x}" for c in RED)}"/>'
        f'<polygon fill="#fff" points="{points}"/></svg>\n'
    )


def icon(size):
    """The square icon at SIZE pixels, drawn larger then scaled down for smooth edges."""
    big = size * SUPERSAMPLE
    image = Image.new("RGB", (big, big), RED)
    ImageDraw.Draw(image).polygon(icon_points(big), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def share_image(site_name):
    """1200 × 675 (16:9, as Google asks of article images): the « M » and the site's name on the logo's red."""
    width, height = SHARE_SIZE
    scale = 2
    big = Image.new("RGB", (width * scale, height * scale), RED)
    mark_width = 260 * scale
    points = mark(100 * scale, (height * scale - mark_height(mark_width)) / 2, mark_width)
    ImageDraw.Draw(big).polygon(points, fill=WHITE)
    image = big.resize(SHARE_SIZE, Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(SERIF_BOLD, 64)
    except OSError:
        font = ImageFont.load_default(size=64)
    words, lines = site_name.split(), []
    for word in words:
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width - 470:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    line_height = 80
    top = (height - line_height * len(lines)) / 2
    for number, line in enumerate(lines):
        draw.text((420, top + number * line_height), line, font=font, fill=WHITE)
    return image


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def write(site_name):
    (STATIC / "favicon.svg").write_text(favicon_svg())
    icon(ICO_SIZES[-1][0] * 4).save(STATIC / "favicon.ico", sizes=list(ICO_SIZES))
    (STATIC / "apple-touch-icon.png").write_bytes(png_bytes(icon(TOUCH_SIZE)))
    (STATIC / "partage.png").write_bytes(png_bytes(share_image(site_name)))


if __name__ == "__main__":
    write("Le Quotidien de Manchette")
