"""Payments benchmarks (``python -m bench payments``): each part a module of this package with a ``main()``."""

from __future__ import annotations

PARTS: list[str] = []
PARTS.append("holds")  # credit holds and Kiss Cam charges per second, one contended balance and many (issue 10)
