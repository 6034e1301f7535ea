"""The "KISS CAM" marquee above the screen: LED letters between two hearts, ringed by chase lights."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from storycam.media.render import glow, heart
from storycam.media.render.layout import MARQUEE
from storycam.media.render.styles import Style

CELL = 3  # one LED every three pixels
BULB_STEP = 22  # the spacing of the chase lights around the panel
PHASES = 2  # chase lights alternate between the odd and the even bulbs


def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's own scalable font (Aileron), so the renderer needs no font installed on the machine."""
    loaded = ImageFont.load_default(size=size)
    if not isinstance(loaded, ImageFont.FreeTypeFont):  # Pillow's wheels always carry FreeType; a custom build may not
        raise RuntimeError("the classic renderer needs Pillow built with FreeType")
    return loaded


def _letters(style: Style, cols: int, rows: int) -> np.ndarray:
    """Which LEDs are lit: the banner text in a bold face with a heart either side, on the LED grid."""
    grid = Image.new("L", (cols, rows))
    draw = ImageDraw.Draw(grid)
    text_font = font(rows - 3)
    left, top, right, bottom = draw.textbbox((0, 0), style.banner_text, font=text_font, stroke_width=1)
    x = (cols - (right - left)) / 2 - left
    y = (rows - (bottom - top)) / 2 - top
    draw.text((x, y), style.banner_text, fill=255, font=text_font, stroke_width=1, stroke_fill=255)
    size = rows * 0.62
    for cx in (x + left - size * 1.05, x + right + size * 1.05):
        draw.polygon(heart.outline((cx, rows / 2), size), fill=255)
    return np.asarray(grid) > 110


def _bulb_centres() -> list[tuple[float, float]]:
    x0, y0, x1, y1 = 6, 6, MARQUEE.w - 7, MARQUEE.h - 7
    centres: list[tuple[float, float]] = []
    n = round((x1 - x0) / BULB_STEP)
    centres += [(x0 + i * (x1 - x0) / n, y0) for i in range(n)]
    m = round((y1 - y0) / BULB_STEP)
    centres += [(x1, y0 + i * (y1 - y0) / m) for i in range(m)]
    centres += [(x1 - i * (x1 - x0) / n, y1) for i in range(n)]
    centres += [(x0, y1 - i * (y1 - y0) / m) for i in range(m)]
    return centres


def lit_backgrounds(background: Image.Image, style: Style) -> list[Image.Image]:
    """The background with the marquee hung in it, one image per phase of the chase lights."""
    margin = 40
    box = (int(MARQUEE.x) - margin, int(MARQUEE.y) - margin, int(MARQUEE.right) + margin, int(MARQUEE.bottom) + margin)
    size = (box[2] - box[0], box[3] - box[1])
    panel = (margin, margin, margin + int(MARQUEE.w), margin + int(MARQUEE.h))
    inner = (14, 14, int(MARQUEE.w) - 14, int(MARQUEE.h) - 14)
    cols, rows = (inner[2] - inner[0]) // CELL, (inner[3] - inner[1]) // CELL
    lit = _letters(style, cols, rows)
    board = Image.new("RGB", size)
    mask = Image.new("L", size)
    ImageDraw.Draw(mask).rounded_rectangle(panel, radius=10, fill=255)
    draw = ImageDraw.Draw(board)
    draw.rounded_rectangle(panel, radius=10, fill=(10, 8, 12))
    off = tuple(max(18, c // 7) for c in style.banner_led)
    for row in range(rows):
        for col in range(cols):
            x = margin + inner[0] + col * CELL + CELL / 2
            y = margin + inner[1] + row * CELL + CELL / 2
            draw.ellipse((x - 1.2, y - 1.2, x + 1.2, y + 1.2), fill=style.banner_led if lit[row, col] else off)
    phases = []
    for phase in range(PHASES):
        lamps = board.copy()
        draw = ImageDraw.Draw(lamps)
        for i, (bx, by) in enumerate(_bulb_centres()):
            on = i % PHASES == phase
            colour = style.banner_bulbs if on else tuple(c // 5 for c in style.banner_bulbs)
            draw.ellipse((margin + bx - 3.5, margin + by - 3.5, margin + bx + 3.5, margin + by + 3.5), fill=colour)
        region = background.crop(box)
        region.paste(lamps, mask=mask)
        light = np.asarray(region, dtype=np.float32)
        glow.add(light, glow.blurred(lamps, 8), 1.1)
        glow.add(light, glow.blurred(lamps, 30), 0.9)
        lit_background = background.copy()
        lit_background.paste(glow.to_image(light), box[:2])
        phases.append(lit_background)
    return phases
