"""Flood control for every Bot API call, shared by all replicas through Redis.

Telegram's limits: about 30 messages a second in all, one a second per private chat (short bursts pass), 20 a
minute per group. A call waits for its turn instead of drawing a 429; if Telegram answers 429 anyway, the
``retry_after`` it names pauses that chat (or everything) for every replica, and the call is made again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import Counter, Histogram
from redis.asyncio import Redis

from storycam.kit.logging import get_logger

log = get_logger(__name__)

WAITED = Histogram(
    "storycam_telegram_flood_wait_seconds",
    "Time a Bot API call waited for its turn",
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
RETRY_AFTER = Counter("storycam_telegram_retry_after_total", "429 answers from Telegram, obeyed")

# Only calls that post into a chat count towards the message limits.
_COUNTED_PREFIXES: Final = ("send", "edit", "copy", "forward")
_UNCOUNTED: Final = frozenset({"sendChatAction"})
_MAX_RETRIES: Final = 5

# Calls made inside ``best_effort()`` are cosmetic (a used keyboard taken away): they go only when the limits have
# room to spare, never waiting, so they can never delay a message that answers someone.
_BEST_EFFORT: ContextVar[bool] = ContextVar("storycam_flood_best_effort", default=False)
SKIPPED = Counter("storycam_telegram_best_effort_skipped_total", "Cosmetic Bot API calls skipped to keep the limits")


class SkippedForLimits(Exception):
    """A best-effort call was not made: the limits had no room to spare."""


@contextmanager
def best_effort() -> Iterator[None]:
    token = _BEST_EFFORT.set(True)
    try:
        yield
    finally:
        _BEST_EFFORT.reset(token)


class FloodControl(BaseRequestMiddleware):
    def __init__(
        self,
        redis: Redis,
        limiter: MovingWindowRateLimiter,
        *,
        per_second: int = 30,
        private_per_second: int = 1,
        private_burst: int = 3,
        group_per_minute: int = 20,
    ) -> None:
        self._redis = redis
        self._limiter = limiter
        self._global: RateLimitItem = RateLimitItemPerSecond(per_second)
        # "One a second, short bursts pass": `private_burst` messages in any `private_burst` seconds.
        self._private: RateLimitItem = RateLimitItemPerSecond(private_per_second * private_burst, private_burst)
        self._group: RateLimitItem = RateLimitItemPerMinute(group_per_minute)

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        chat_id = getattr(method, "chat_id", None)
        name = method.__api_method__
        counted = name.startswith(_COUNTED_PREFIXES) and name not in _UNCOUNTED
        if counted and _BEST_EFFORT.get():
            if not await self._spare_turn(bot.id, chat_id):
                SKIPPED.inc()
                raise SkippedForLimits(name)
            return await make_request(bot, method)  # a 429 here is not worth waiting for either
        for attempt in range(_MAX_RETRIES + 1):
            if counted:
                await self._wait_for_turn(bot.id, chat_id, _message_count(method))
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == _MAX_RETRIES:
                    raise
                RETRY_AFTER.inc()
                scope = str(chat_id) if isinstance(chat_id, int) else "all"
                log.warning("telegram.retry_after", method=method.__api_method__, scope=scope, seconds=exc.retry_after)
                await self._redis.set(self._pause_key(bot.id, scope), "1", px=int(exc.retry_after * 1000))
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _pause_key(bot_id: int, scope: str) -> str:
        return f"telegram:pause:{bot_id}:{scope}"

    async def _wait_for_turn(self, bot_id: int, chat_id: Any, cost: int) -> None:
        started = time.monotonic()
        scopes = ["all"] + ([str(chat_id)] if isinstance(chat_id, int) else [])
        async with self._redis.pipeline(transaction=False) as pipe:  # one round trip for both pauses
            for scope in scopes:
                pipe.pttl(self._pause_key(bot_id, scope))
            pauses_ms: list[int] = await pipe.execute()
        if (pause_ms := max(pauses_ms)) > 0:
            await asyncio.sleep(pause_ms / 1000)
        if isinstance(chat_id, int):
            item = self._private if chat_id > 0 else self._group
            await self._take(item, cost, str(bot_id), "chat", str(chat_id))
        await self._take(self._global, cost, str(bot_id), "all")
        WAITED.observe(time.monotonic() - started)

    async def _spare_turn(self, bot_id: int, chat_id: Any) -> bool:
        """A turn taken only if nothing is paused, the chat's window has room, and the bot is lightly loaded: three
        quarters of its window still free. Anything it takes at a busier moment would push someone's answer back,
        since at Telegram's ceiling every turn is an answer's."""
        scopes = ["all"] + ([str(chat_id)] if isinstance(chat_id, int) else [])
        if await self._redis.exists(*(self._pause_key(bot_id, scope) for scope in scopes)):
            return False
        stats = await self._limiter.get_window_stats(self._global, str(bot_id), "all")
        if stats.remaining * 4 < self._global.amount * 3:
            return False
        if isinstance(chat_id, int):
            chat = self._private if chat_id > 0 else self._group
            if not await self._limiter.hit(chat, str(bot_id), "chat", str(chat_id)):
                return False
        return await self._limiter.hit(self._global, str(bot_id), "all")

    async def _take(self, item: RateLimitItem, cost: int, *identifiers: str) -> None:
        cost = min(cost, item.amount)
        while not await self._limiter.hit(item, *identifiers, cost=cost):
            stats = await self._limiter.get_window_stats(item, *identifiers)
            await asyncio.sleep(min(max(stats.reset_time - time.time(), 0.005), item.get_expiry()))


def _message_count(method: TelegramMethod[Any]) -> int:
    """An album is as many messages as it has items."""
    media = getattr(method, "media", None)
    return len(media) if isinstance(media, list) else 1
