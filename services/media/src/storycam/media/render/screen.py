"""What the jumbotron's screen shows in a frame: the camera's shot, the heart closing around the couple, the LED
panel's texture and the broadcast's "LIVE" bug."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from storycam.media.render import banner, heart
from storycam.media.render.layout import SCREEN, Box
from storycam.media.render.styles import Style

SIZE = (int(SCREEN.w), int(SCREEN.h))


def texture() -> Image.Image:
    """Multiplied over the shot: the dark rows between LED lines and the falloff towards the panel's corners."""
    h, w = SIZE[1], SIZE[0]
    y = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    x = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    falloff = 1 - 0.28 * np.clip(x**2 * 0.6 + y**2 * 0.8, 0, 1) ** 1.5
    rows = np.where(np.arange(h)[:, None] % 3 == 2, 0.84, 1.0).astype(np.float32)
    level = np.clip(255 * falloff * rows, 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(level[:, :, None], 3, axis=2), "RGB")


def live_bug() -> tuple[Image.Image, Image.Image]:
    """A red dot and "LIVE", as the broadcast shows in its corner (image, mask)."""
    text_font = banner.font(18)
    image = Image.new("RGB", (86, 28), (12, 12, 16))
    mask = Image.new("L", image.size)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, 85, 27), radius=6, fill=170)
    for layer, dot, ink in ((image, (255, 40, 40), (255, 255, 255)), (mask, 255, 255)):
        draw = ImageDraw.Draw(layer)
        draw.ellipse((10, 8, 22, 20), fill=dot)
        draw.text((30, 14), "LIVE", font=text_font, fill=ink, anchor="lm")
    return image, mask


def _lighter(colour: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    r, g, b = colour
    return round(r + (255 - r) * k), round(g + (255 - g) * k), round(b + (255 - b) * k)


def draw_heart(panel: Image.Image, style: Style, closed: Box, scale: float, tint: float) -> None:
    """The heart, ``scale`` times its closed size around the same centre, on ``panel``. Outside it the screen is
    tinted (``tint`` 0..1 of the style's strength); along its line the tint glows."""
    centre, height = closed.centre, closed.h * scale
    strength = round(style.heart_tint * tint)
    mask = Image.new("L", SIZE, strength)
    draw = ImageDraw.Draw(mask)
    line = heart.outline(centre, height)
    draw.polygon(line, fill=0)
    ring = [*line, line[0]]
    # The glow: ever narrower bands of ever stronger tint along the line (a blur per frame would cost far more).
    for width, extra in ((26, 25), (16, 60), (9, 110)):
        draw.line(ring, fill=min(255, strength + extra), width=width)
    panel.paste(style.heart, mask=mask)
    ImageDraw.Draw(panel).line(ring, fill=_lighter(style.heart, 0.55), width=5)


def heart_scale(closing: float, beat: float) -> float:
    """From far outside the screen (closing 0) to its closed size (closing 1), then beating a little bigger."""
    return 1 + 2.6 * (1 - closing) + 0.045 * beat


def textured(shot: Image.Image, texture_image: Image.Image, bug: tuple[Image.Image, Image.Image]) -> Image.Image:
    """The shot as the LED panel shows it, with the broadcast's bug in the corner."""
    panel = ImageChops.multiply(shot, texture_image)
    panel.paste(bug[0], (18, 16), bug[1])
    return panel
