"""The visible "AI-generated" mark every clip carries in its bottom-right corner."""

from __future__ import annotations

from PIL import Image, ImageDraw

from storycam.media.render import banner
from storycam.media.render.layout import HEIGHT, WIDTH

TEXT = "AI-generated"
MARGIN = 16


def badge(bottom_bar: int) -> tuple[Image.Image, Image.Image, tuple[int, int]]:
    """(image, mask, top-left corner in the frame): white words and a spark on a dark translucent pill, above the
    bottom bar of a letterboxed style."""
    text_font = banner.font(20)
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), TEXT, font=text_font)
    spark = 14
    w, h = int(right - left) + spark + 34, int(bottom - top) + 16
    image = Image.new("RGB", (w, h), (12, 12, 16))
    mask = Image.new("L", (w, h))
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=h // 2, fill=150)
    # A four-pointed spark, the usual sign for generated media, then the words.
    cx, cy = 12 + spark / 2, h / 2
    star = [
        (cx, cy - 8), (cx + 2, cy - 2), (cx + 8, cy), (cx + 2, cy + 2),
        (cx, cy + 8), (cx - 2, cy + 2), (cx - 8, cy), (cx - 2, cy - 2),
    ]  # fmt: skip
    for layer, ink in ((image, (255, 255, 255)), (mask, 255)):
        draw = ImageDraw.Draw(layer)
        draw.polygon(star, fill=ink)
        draw.text((12 + spark + 8 - left, 8 - top), TEXT, font=text_font, fill=ink)
    return image, mask, (WIDTH - w - MARGIN, HEIGHT - bottom_bar - h - MARGIN)
