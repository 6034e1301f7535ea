"""When each thing happens in the five seconds, and how it eases in."""

from __future__ import annotations

import math

from storycam.media.render.layout import FPS

# The camera holds the wide shot for a beat (the operator is looking), then zooms onto the couple.
ZOOM_START, ZOOM_END = 0.55, 2.35
# The heart closes in as the zoom settles, then beats.
HEART_START, HEART_END = 1.95, 2.95
# Confetti cannons fire when the heart has closed.
CONFETTI_START = 2.75


def seconds(frame: int) -> float:
    return frame / FPS


def progress(t: float, start: float, end: float) -> float:
    """0 before ``start``, 1 after ``end``, linear between."""
    return min(1.0, max(0.0, (t - start) / (end - start)))


def ease_in_out(p: float) -> float:
    """Cubic: a camera operator starts the zoom gently and lands it gently."""
    return 4 * p**3 if p < 0.5 else 1 - (-2 * p + 2) ** 3 / 2


def ease_out_back(p: float, overshoot: float = 1.4) -> float:
    """Runs a little past 1 and settles back: the heart snaps shut around the couple."""
    q = p - 1
    return 1 + (overshoot + 1) * q**3 + overshoot * q**2


def heartbeat(t: float) -> float:
    """0..1, two quick beats a second and a rest, as a drawn heart beats."""
    phase = (t * 1.2) % 1.0
    return max(math.sin(phase * 2 * math.pi * 2), 0.0) ** 2 if phase < 0.5 else 0.0
