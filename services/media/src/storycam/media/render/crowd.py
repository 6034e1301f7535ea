"""The people in front of the camera: two rows of heads and shoulders against the screen's light, some with an
arm up and a phone out, one with a sign. They bounce, more once the couple has kissed."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from storycam.media.render import banner
from storycam.media.render.layout import HEIGHT, WIDTH
from storycam.media.render.styles import RGB, Style


@dataclass(frozen=True)
class Row:
    """One row of the crowd: its image, its shape, and where it hangs in the frame."""

    image: Image.Image
    mask: Image.Image
    top: int
    bounce: float  # pixels up and down while the crowd waits; doubled when it cheers
    phase: float

    def offset(self, t: float, cheering: float) -> int:
        amplitude = self.bounce * (1 + 1.6 * cheering)
        return self.top + round(amplitude * math.sin(2 * math.pi * (1.7 * t + self.phase)))


def _person(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, fill: int | RGB, extras: dict[str, bool]) -> None:
    """A head of radius ``r`` centred at (x, y), with neck and shoulders running off the bottom of the frame."""
    draw.ellipse((x - r * 0.84, y - r, x + r * 0.84, y + r * 1.02), fill=fill)
    draw.rectangle((x - r * 0.42, y + r * 0.5, x + r * 0.42, y + r * 1.5), fill=fill)
    draw.rounded_rectangle((x - r * 1.75, y + r * 1.25, x + r * 1.75, y + r * 5), radius=round(r * 0.9), fill=fill)
    if extras.get("cap"):
        draw.pieslice((x - r * 0.92, y - r * 1.08, x + r * 0.92, y + r * 0.6), 180, 360, fill=fill)
        draw.rectangle((x - r * 0.2, y - r * 0.32, x + r * 1.45, y - r * 0.2), fill=fill)
    if extras.get("bun"):
        draw.ellipse((x - r * 0.4, y - r * 1.45, x + r * 0.4, y - r * 0.7), fill=fill)


def _arm(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, side: int, fill: int | RGB) -> tuple[float, float]:
    """An arm raised from the shoulder; returns where the hand is."""
    sx, sy = x + side * r * 1.25, y + r * 1.7
    ex, ey = x + side * r * 2.0, y + r * 0.1  # the elbow, out to the side
    hx, hy = x + side * r * 1.7, y - r * 1.7
    for (ax, ay), (bx, by) in (((sx, sy), (ex, ey)), ((ex, ey), (hx, hy))):
        draw.line([(ax, ay), (bx, by)], fill=fill, width=round(r * 0.6))
    draw.ellipse((ex - r * 0.3, ey - r * 0.3, ex + r * 0.3, ey + r * 0.3), fill=fill)
    draw.ellipse((hx - r * 0.36, hy - r * 0.36, hx + r * 0.36, hy + r * 0.36), fill=fill)
    return hx, hy


def _row(style: Style, rng: random.Random, *, top: int, count: int, radius: tuple[float, float], shade: float) -> Row:
    height = HEIGHT - top + 20
    mask = Image.new("L", (WIDTH, height))
    rim = Image.new("L", (WIDTH, height))
    lights = Image.new("RGB", (WIDTH, height))
    shapes, rims, phones = ImageDraw.Draw(mask), ImageDraw.Draw(rim), ImageDraw.Draw(lights)
    step = WIDTH / count
    for i in range(count):
        r = rng.uniform(*radius)
        x = (i + 0.5) * step + rng.uniform(-0.3, 0.3) * step
        y = r * 1.2 + rng.uniform(0, r * 0.6)
        extras = {"cap": rng.random() < 0.22, "bun": rng.random() < 0.15}
        # The screen above lights the top edge of every head: what the person drawn a little lower leaves uncovered.
        for target, dy in ((rims, max(3.0, r * 0.08)), (shapes, 0.0)):
            _person(target, x, y + dy, r, 255, extras)
        if rng.random() < 0.3:
            side = rng.choice((-1, 1))
            for target, dy in ((rims, 3.0), (shapes, 0.0)):
                hx, hy = _arm(target, x, y + dy, r, side, 255)
            if rng.random() < 0.6:  # a phone filming the screen, its display glowing
                w, h = r * 0.5, r * 0.85
                phones.rounded_rectangle((hx - w / 2, hy - h, hx + w / 2, hy), radius=3, fill=(215, 230, 255))
                shapes.rounded_rectangle((hx - w / 2, hy - h, hx + w / 2, hy), radius=3, fill=255)
    # Lit from the screen above: the bodies fade from the room's colour at the shoulders to black below.
    fade = np.linspace(1.0, 0.25, height, dtype=np.float32)[:, None, None]
    colour = np.array(style.sky_bottom, dtype=np.float32) * shade * fade
    body = Image.fromarray(np.broadcast_to(colour, (height, WIDTH, 3)).astype(np.uint8), "RGB")
    image = Image.composite(Image.new("RGB", (WIDTH, height), style.crowd_rim), body, _edge(mask, rim))
    image.paste(lights, mask=lights.convert("L"))
    return Row(image, mask, top, bounce=rng.uniform(2.0, 3.5), phase=rng.random())


def _edge(body: Image.Image, lower: Image.Image) -> Image.Image:
    """The part of the body that the same body moved down does not cover: a thin lit edge along the tops."""
    return ImageChops.subtract(body, lower).point(lambda v: v * 3 // 5)


def _sign(style: Style) -> tuple[Image.Image, Image.Image]:
    """A hand-written cardboard sign someone holds up: "KISS!" (image, mask), tilted."""
    w, h = 150, 74
    card = Image.new("RGB", (w, h), (236, 232, 222))
    draw = ImageDraw.Draw(card)
    text_font: ImageFont.FreeTypeFont = banner.font(46)
    draw.text(
        (w / 2, h / 2 + 2),
        "KISS!",
        fill=style.heart,
        font=text_font,
        anchor="mm",
        stroke_width=2,
        stroke_fill=style.heart,
    )
    mask = Image.new("L", (w, h), 255)
    return card.rotate(8, expand=True, resample=Image.Resampling.BICUBIC), mask.rotate(
        8, expand=True, resample=Image.Resampling.BICUBIC
    )


def rows(style: Style, seed: int) -> tuple[Row, Row]:
    """The back row (smaller, lit by the screen) and the front row (big, nearly black)."""
    rng = random.Random(seed + 1)  # noqa: S311 - a seeded picture, not a secret
    back = _row(style, rng, top=548, count=17, radius=(24, 31), shade=0.55)
    card, card_mask = _sign(style)
    # The sign goes up between two heads on the left, held by an arm below it.
    x, y = 212, 8
    back.image.paste(card, (x, y), card_mask)
    back.mask.paste(255, (x, y), card_mask)
    ImageDraw.Draw(back.mask).line([(x + 76, y + 70), (x + 70, 120)], fill=255, width=12)
    ImageDraw.Draw(back.image).line([(x + 76, y + 70), (x + 70, 120)], fill=(20, 20, 28), width=12)
    front = _row(style, rng, top=618, count=9, radius=(44, 56), shade=0.22)
    return back, front
