"""When and how long to wait before asking YooKassa again (with the same Idempotence-Key)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

# 202: YooKassa is still working on an earlier request under this key; 500: outcome unknown; 429: slow down.
RETRIED_STATUSES = frozenset({202, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds before attempt ``attempt + 1``: what YooKassa asked for, else exponential with full jitter
        (so many callers retrying at once spread out instead of arriving together)."""
        asked = _asked_delay(response) if response is not None else None
        if asked is not None:
            return min(asked, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


def is_retried(response: httpx.Response) -> bool:
    return response.status_code in RETRIED_STATUSES


def _asked_delay(response: httpx.Response) -> float | None:
    header = response.headers.get("retry-after")
    if header is not None:
        try:
            return max(0.0, float(header))
        except ValueError:
            return None
    if response.status_code == 202:  # YooKassa puts its own hint, in milliseconds, in the body
        try:
            body = response.json()
        except ValueError:
            return None
        value = body.get("retry_after") if isinstance(body, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return float(value) / 1000
    return None
