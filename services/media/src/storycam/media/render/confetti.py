"""Confetti: two cannons at the sides fire when the heart closes, and paper drifts down from the roof.

Every particle's path is worked out in closed form from its launch (gravity with air drag), so any frame can be
drawn on its own, and a fixed seed makes every render of the same clip identical."""

from __future__ import annotations

import math

import numpy as np
from PIL import ImageDraw

from storycam.media.render.layout import HEIGHT, WIDTH
from storycam.media.render.styles import Style

DRAG = 0.45  # seconds: how quickly the air takes a paper's launch speed away
CANNON = 110  # pieces from each cannon
FALLING = 60  # pieces dropping from above


class Confetti:
    def __init__(self, style: Style, seed: int, start: float) -> None:
        rng = np.random.default_rng(seed)
        self.style = style
        n = 2 * CANNON + FALLING
        side = np.concatenate([np.full(CANNON, -1.0), np.full(CANNON, 1.0), np.zeros(FALLING)])
        cannon = side != 0
        # Cannons at the bottom corners aim up and inwards; the falling pieces start above the frame.
        angle = np.radians(rng.uniform(48, 80, n))
        speed = rng.uniform(1500, 2600, n)
        # Paper from the roof falls at the sides, so that it does not rain over the couple in the middle.
        roof = rng.uniform(0, 0.32, n) * WIDTH
        roof = np.where(rng.random(n) < 0.5, roof, WIDTH - roof)
        self.x0 = np.where(cannon, WIDTH / 2 + side * (WIDTH / 2 - 40), roof)
        self.y0 = np.where(cannon, HEIGHT + 10, rng.uniform(-260, -20, n))
        self.vx = np.where(cannon, -side * speed * np.cos(angle), rng.uniform(-40, 40, n))
        self.vy = np.where(cannon, -speed * np.sin(angle), rng.uniform(0, 80, n))
        self.t0 = start + np.where(cannon, rng.uniform(0, 0.25, n), rng.uniform(0.2, 1.4, n))
        self.size = rng.uniform(9, 16, n)
        self.spin = rng.uniform(-9, 9, n)
        self.flip = rng.uniform(5, 14, n)
        self.sway = rng.uniform(0, 2 * math.pi, n)
        self.colour = rng.integers(0, len(style.confetti), n)
        # Paper falls slowly: a terminal speed set by drag, as real confetti flutters down.
        self.terminal = rng.uniform(110, 180, n)

    def draw(self, draw: ImageDraw.ImageDraw, t: float) -> None:
        age = t - self.t0
        live = age > 0
        if not live.any():
            return
        a = np.maximum(age, 0)
        slow = 1 - np.exp(-a / DRAG)
        x = self.x0 + self.vx * DRAG * slow + 28 * np.sin(2.3 * a + self.sway)
        # Falling under drag: launched speed fades, downwards speed tends to the terminal one.
        y = self.y0 + (self.vy - self.terminal) * DRAG * slow + self.terminal * a
        angle = self.spin * a
        width = self.size * np.abs(np.cos(self.flip * a + self.sway)) + 1.5
        visible = np.flatnonzero(live & (x > -20) & (x < WIDTH + 20) & (y > -20) & (y < HEIGHT + 20))
        shape = (
            _HEART * self.size[visible, None, None] * 1.5
            if self.style.confetti_hearts
            else _STRIP * np.stack([width[visible], self.size[visible] * 0.55], axis=1)[:, None, :]
        )
        turn = angle[visible] * (0.3 if self.style.confetti_hearts else 1.0)
        c, s = np.cos(turn)[:, None], np.sin(turn)[:, None]
        px = x[visible, None] + shape[:, :, 0] * c - shape[:, :, 1] * s
        py = y[visible, None] + shape[:, :, 0] * s + shape[:, :, 1] * c
        points = np.stack([px, py], axis=2).reshape(len(visible), -1).tolist()
        colours = self.colour[visible].tolist()
        for polygon, colour in zip(points, colours, strict=True):
            draw.polygon(polygon, fill=self.style.confetti[colour])


# A paper strip's corners for a unit size, and a small heart's outline, both centred on the origin.
_STRIP = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)])
_T = np.linspace(0, 2 * math.pi, 14, endpoint=False)
_HEART = np.stack(
    [16 * np.sin(_T) ** 3 / 32, -(13 * np.cos(_T) - 5 * np.cos(2 * _T) - 2 * np.cos(3 * _T) - np.cos(4 * _T)) / 32],
    axis=1,
)
