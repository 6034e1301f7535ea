"""The heart that closes around the couple: its outline, and the widest box that fits inside it."""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw

from storycam.media.render.layout import Box

# The classic curve x = 16 sin^3 t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t, y pointing down in images.
_T = np.linspace(0, 2 * math.pi, 180, endpoint=False)
_X = 16 * np.sin(_T) ** 3
_Y = -(13 * np.cos(_T) - 5 * np.cos(2 * _T) - 2 * np.cos(3 * _T) - np.cos(4 * _T))
_TOP, _BOTTOM = float(_Y.min()), float(_Y.max())
_UNIT = _BOTTOM - _TOP  # the curve's height; its width is 32
ASPECT = 32 / _UNIT  # width over height


def outline(centre: tuple[float, float], height: float) -> list[tuple[float, float]]:
    """The heart's polygon, its bounding box centred on ``centre`` and ``height`` tall."""
    scale = height / _UNIT
    cx, cy = centre
    mid = (_TOP + _BOTTOM) / 2
    return [(cx + x * scale, cy + (y - mid) * scale) for x, y in zip(_X.tolist(), _Y.tolist(), strict=True)]


def bounds(centre: tuple[float, float], height: float) -> Box:
    return Box(centre[0] - height * ASPECT / 2, centre[1] - height / 2, height * ASPECT, height)


@functools.lru_cache(maxsize=64)
def _inscribed_fraction(aspect: float) -> tuple[float, float, float, float]:
    """The largest box of the given aspect (width/height) centred on the heart's axis that lies inside it, as
    fractions of the heart's bounding box. Found on a raster of the heart with a summed-area table."""
    size = 300
    width = round(size * ASPECT)
    mask = Image.new("1", (width, size), 0)
    ImageDraw.Draw(mask).polygon(outline((width / 2, size / 2), size), fill=1)
    inside = np.asarray(mask, dtype=np.int32)
    table = np.pad(inside.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    best = (0, 0, 0, 0)
    for top in range(size):
        # Grow the box down from this row while it stays inside; widths follow from the aspect.
        low, high = 0, size - top
        while low < high:
            h = (low + high + 1) // 2
            w = min(width, round(h * aspect))
            left = (width - w) // 2
            filled = table[top + h, left + w] - table[top, left + w] - table[top + h, left] + table[top, left]
            if filled == w * h:
                low = h
            else:
                high = h - 1
        if low > best[3]:
            w = min(width, round(low * aspect))
            best = ((width - w) // 2, top, w, low)
    x, y, w, h = best
    return x / width, y / size, w / width, h / size


def inscribed(heart: Box, aspect: float) -> Box:
    """The widest box of ``aspect`` inside the heart whose bounding box is ``heart``."""
    fx, fy, fw, fh = _inscribed_fraction(round(aspect, 2))
    return Box(heart.x + fx * heart.w, heart.y + fy * heart.h, fw * heart.w, fh * heart.h)
