"""Payments benchmarks (``python -m bench payments``): each part a module of this package with a ``main()``."""

from __future__ import annotations

PARTS: list[str] = []
PARTS.append("holds")  # credit holds and Kiss Cam charges per second, one contended balance and many (issue 10)
PARTS.append("notifications")  # YooKassa notifications per second and p99, beside the bare re-read (issue 10)
