"""Telegram's flood limits for one bot, and a hook that makes the next calls fail with 429 on purpose.

Telegram documents about 30 messages a second in all, about one a second in a private chat (short bursts are
let through), and 20 a minute in a group. Each is a token bucket here; a call that would overdraw any of them is
refused with ``retry_after``: the whole seconds until every bucket it needs has a token again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from storycam.sandbox.telegram.errors import TooManyRequests

Clock = Callable[[], float]


@dataclass(frozen=True)
class FloodLimits:
    enabled: bool = True
    messages_per_second: float = 30.0
    private_chat_per_second: float = 1.0
    private_chat_burst: int = 3
    group_per_minute: int = 20


class TokenBucket:
    def __init__(self, capacity: float, per_second: float, now: float) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self._tokens = capacity
        self._updated = now

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.per_second)
        self._updated = now

    def wait_for(self, count: float, now: float) -> float:
        """Seconds until ``count`` tokens are there (0 when they are)."""
        self._refill(now)
        missing = count - self._tokens
        return 0.0 if missing <= 1e-9 else missing / self.per_second

    def take(self, count: int) -> None:
        self._tokens -= count


@dataclass
class ForcedRefusal:
    remaining: int
    retry_after: int
    method: str | None  # None: any method


class FloodControl:
    def __init__(self, limits: FloodLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._overall = TokenBucket(limits.messages_per_second, limits.messages_per_second, clock())
        self._chats: dict[int, TokenBucket] = {}
        self._forced: list[ForcedRefusal] = []

    def force(self, count: int, retry_after: int, method: str | None = None) -> None:
        """The next ``count`` calls (of ``method``, or any) answer 429 with this ``retry_after``."""
        self._forced.append(ForcedRefusal(count, retry_after, method.lower() if method else None))

    def check_forced(self, method: str) -> None:
        for refusal in self._forced:
            if refusal.method in (None, method.lower()):
                refusal.remaining -= 1
                if refusal.remaining <= 0:
                    self._forced.remove(refusal)
                raise TooManyRequests(refusal.retry_after)

    def spend(self, chat_id: int, count: int = 1) -> None:
        """Count ``count`` messages to ``chat_id``, or refuse them all with 429."""
        if not self.limits.enabled:
            return
        now = self._clock()
        buckets = [self._overall, self._chat_bucket(chat_id, now)]
        wait = max(bucket.wait_for(min(count, bucket.capacity), now) for bucket in buckets)
        if wait > 0:
            raise TooManyRequests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take(count)

    def _chat_bucket(self, chat_id: int, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_id > 0:  # private chats have the person's (positive) id; groups are negative
                bucket = TokenBucket(self.limits.private_chat_burst, self.limits.private_chat_per_second, now)
            else:
                bucket = TokenBucket(self.limits.group_per_minute, self.limits.group_per_minute / 60, now)
            self._chats[chat_id] = bucket
        return bucket
