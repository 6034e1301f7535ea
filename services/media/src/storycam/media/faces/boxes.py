"""Where a face is in a working photo."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FaceBox:
    """A face's box in the working photo's pixels (``right`` and ``bottom`` exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def holds(self, point: tuple[float, float]) -> bool:
        x, y = point
        return self.left <= x <= self.right and self.top <= y <= self.bottom
