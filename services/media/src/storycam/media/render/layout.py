"""Where things sit in the 1280x720 frame.

Landscape because the clip shows a jumbotron as the crowd sees it: the screen is 16:9 like the broadcast it
carries, two people side by side are a wide subject, and a phone plays a landscape clip full width in the chat.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 1280, 720
FPS = 30
SECONDS = 5
FRAMES = FPS * SECONDS


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def grown(self, fraction: float) -> Box:
        """The same box with ``fraction`` of its size added on every side."""
        dx, dy = self.w * fraction, self.h * fraction
        return Box(self.x - dx, self.y - dy, self.w + 2 * dx, self.h + 2 * dy)

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def as_ints(self) -> tuple[int, int, int, int]:
        return round(self.x), round(self.y), round(self.right), round(self.bottom)


# The jumbotron's screen (16:9), the marquee above it and the bezel around both.
SCREEN = Box(184, 132, 912, 513)
MARQUEE = Box(336, 22, 608, 92)
BEZEL = 14
