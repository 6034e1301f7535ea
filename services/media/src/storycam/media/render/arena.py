"""The arena around the jumbotron, drawn once per clip: the roof and its floodlights, the far stands out of
focus, the light the screen spills, and the jumbotron's housing. Nothing here moves."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from storycam.media.render import glow
from storycam.media.render.layout import BEZEL, HEIGHT, MARQUEE, SCREEN, WIDTH
from storycam.media.render.styles import RGB, Style

FLOODLIGHTS = ((92, 58), (WIDTH - 92, 58))


def _scaled(colour: RGB, k: float) -> RGB:
    r, g, b = colour
    return round(r * k), round(g * k), round(b * k)


def _sky(style: Style) -> np.ndarray:
    t = np.linspace(0.0, 1.0, HEIGHT, dtype=np.float32)[:, None, None] ** 1.4
    top = np.array(style.sky_top, dtype=np.float32)
    bottom = np.array(style.sky_bottom, dtype=np.float32)
    return np.broadcast_to(top + (bottom - top) * t, (HEIGHT, WIDTH, 3)).copy()


def _stands(style: Style, rng: random.Random) -> Image.Image:
    """The far side of the arena: tiers of people too far and too out of focus to be more than dots of colour."""
    layer = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(layer)
    for tier in range(9):
        y0 = 250 + tier * 44
        # A railing of light along each tier, bending a little as the stands curve round.
        draw.line([(0, y0 + 30), (WIDTH // 2, y0 + 38), (WIDTH, y0 + 30)], fill=_scaled(style.sky_bottom, 2.2), width=2)
        for _ in range(150 + tier * 20):
            x = rng.uniform(-10, WIDTH + 10)
            y = y0 + rng.uniform(0, 34) + 8 * math.cos((x / WIDTH - 0.5) * math.pi)
            r = rng.uniform(2.0, 4.5) + tier * 0.25
            colour = _scaled(rng.choice(style.stand_colours), rng.uniform(0.25, 0.8))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return glow.blurred(layer, 5)


def _phone_lights(style: Style, rng: random.Random) -> Image.Image:
    """Bokeh: the big soft discs that phone torches and camera flashes make when the lens focuses on the screen."""
    layer = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(layer)
    for _ in range(60):
        x, y = rng.uniform(0, WIDTH), rng.uniform(280, 640)
        r = rng.uniform(7, 20)
        colour = _scaled(rng.choice((*style.stand_colours, style.floodlight)), rng.uniform(0.25, 0.55))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return glow.blurred(layer, 4)


def _floodlights(style: Style) -> tuple[Image.Image, Image.Image]:
    """Two banks of lamps in the roof, their beams in the haze, and the glare around them (light, then lamps)."""
    beams = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(beams)
    for cx, cy in FLOODLIGHTS:
        towards = 1 if cx < WIDTH / 2 else -1
        for spread in (0.0, 0.16, 0.32):
            far_x = cx + towards * (WIDTH * (0.42 + spread))
            draw.polygon(
                [(cx - 30, cy), (cx + 30, cy), (far_x + 120, HEIGHT), (far_x - 120, HEIGHT)],
                fill=_scaled(style.floodlight, 0.09),
            )
    light = glow.blurred(beams, 26)

    lamps = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(lamps)
    for cx, cy in FLOODLIGHTS:
        draw.rounded_rectangle((cx - 62, cy - 30, cx + 62, cy + 30), radius=6, fill=(22, 24, 30))
        for row in range(3):
            for col in range(5):
                x, y = cx - 48 + col * 24, cy - 18 + row * 18
                draw.ellipse((x - 8, y - 7, x + 8, y + 7), fill=style.floodlight)
    halo = Image.new("RGB", (WIDTH, HEIGHT))
    for cx, cy in FLOODLIGHTS:
        ImageDraw.Draw(halo).ellipse((cx - 90, cy - 60, cx + 90, cy + 60), fill=style.floodlight)
    return Image.blend(light, glow.blurred(halo, 70), 0.5), lamps


def _anamorphic(style: Style) -> Image.Image:
    """The long horizontal streak a cinema lens draws across a bright lamp."""
    layer = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(layer)
    for cx, cy in FLOODLIGHTS:
        draw.ellipse((cx - 560, cy - 7, cx + 560, cy + 7), fill=_scaled(style.floodlight, 0.55))
        draw.ellipse((cx - 260, cy - 3, cx + 260, cy + 3), fill=_scaled(style.floodlight, 0.9))
    # Blurred hard along the streak and softly across it.
    small = layer.resize((WIDTH // 16, HEIGHT // 2), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(2))
    return small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)


def _housing(style: Style) -> tuple[Image.Image, Image.Image]:
    """The jumbotron's metal box around the marquee and the screen, hung from the roof (image, mask)."""
    layer = Image.new("RGB", (WIDTH, HEIGHT))
    mask = Image.new("L", (WIDTH, HEIGHT))
    draw, cut = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    outer = (SCREEN.x - BEZEL - 10, MARQUEE.y - 8, SCREEN.right + BEZEL + 10, SCREEN.bottom + BEZEL + 6)
    for x in (outer[0] + 60, outer[2] - 60):  # the cables it hangs from
        draw.line([(x, 0), (x, outer[1])], fill=_scaled(style.bezel, 1.4), width=4)
        cut.line([(x, 0), (x, outer[1])], fill=255, width=4)
    draw.rounded_rectangle(outer, radius=14, fill=style.bezel)
    cut.rounded_rectangle(outer, radius=14, fill=255)
    # Light catches the top edge of the metal; the screen's own frame is a darker inset.
    draw.rounded_rectangle(outer, radius=14, outline=_scaled(style.bezel, 2.2), width=2)
    screen = SCREEN.as_ints()
    draw.rectangle(
        (screen[0] - BEZEL, screen[1] - BEZEL, screen[2] + BEZEL, screen[3] + BEZEL), fill=_scaled(style.bezel, 0.45)
    )
    draw.rectangle((screen[0] - 3, screen[1] - 3, screen[2] + 3, screen[3] + 3), fill=(6, 6, 8))
    # Ribbon LEDs along the bottom of the housing, between the screen and the edge.
    for i in range(40):
        x = outer[0] + 20 + i * (outer[2] - outer[0] - 40) / 39
        draw.ellipse((x - 2, outer[3] - 5, x + 2, outer[3] - 1), fill=_scaled(style.banner_led, 0.9))
    return layer, mask


def background(style: Style, seed: int) -> Image.Image:
    """Everything behind the jumbotron's screen and marquee, which are drawn over it every frame."""
    rng = random.Random(seed)  # noqa: S311 - a seeded picture, reproducible on purpose, not a secret
    base = _sky(style)
    glow.add(base, _stands(style, rng))
    glow.add(base, _phone_lights(style, rng), 0.8)
    # The screen lights the haze and the stands around it.
    spill = Image.new("RGB", (WIDTH, HEIGHT))
    ImageDraw.Draw(spill).rectangle(SCREEN.grown(0.05).as_ints(), fill=_scaled(style.heart, 0.35))
    glow.add(base, glow.blurred(spill, 90))
    beams, lamps = _floodlights(style)
    glow.add(base, beams)
    image = glow.to_image(base)
    housing, mask = _housing(style)
    image.paste(housing, mask=mask)
    base = np.asarray(image, dtype=np.float32)
    glow.add(base, lamps)
    glow.add(base, glow.blurred(lamps, 18), 1.2)
    if style.anamorphic:
        glow.add(base, _anamorphic(style))
    return glow.to_image(base)
