"""Flood control for every Bot API call, shared by all replicas through Redis.

Telegram's limits: about 30 messages a second in all, one a second per private chat (short bursts pass), 20 a
minute per group. A call waits for its turn instead of drawing a 429; if Telegram answers 429 anyway, the
``retry_after`` it names pauses that chat (or everything) for every replica, and the call is made again.

A turn is one Redis call: a script checks both pauses and both moving windows (the chat's and the bot's) and takes
the turn in both, or in neither, answering how long to wait. (The ``limits`` package, which keeps the inbound limit,
checks one window per call: the pauses and two windows were four round trips a message, five for a cosmetic one,
on the path of every answer.) Each window is a list of the moments of its latest messages in Redis' own clock, so
replicas whose clocks differ still share one window.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
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


# KEYS: the bot's pause, the chat's pause (the bot's again when there is no chat), the bot's window, the chat's
# window (absent when there is no chat). ARGV: messages this call counts as, then per window its size and length
# in ms (the chat's size 0 when there is no chat), then 1 for a best-effort turn. Returns 0 when the turn was
# taken, else the ms to wait (any positive answer to a best-effort turn means "no room to spare").
_TURN_SCRIPT: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local pause = math.max(redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]))
if pause > 0 then return pause end
local cost = tonumber(ARGV[1])
local windows = {{KEYS[3], tonumber(ARGV[2]), tonumber(ARGV[3])}}
if tonumber(ARGV[4]) > 0 then windows[2] = {KEYS[4], tonumber(ARGV[4]), tonumber(ARGV[5])} end
-- Until when the message at `index` (0: the newest) keeps a window full: 0 if there is none or it has left.
local function held_until(window, index)
  if index < 0 then return now + window[3] end
  local moment = redis.call('LINDEX', window[1], index)
  if not moment or tonumber(moment) + window[3] <= now then return 0 end
  return tonumber(moment) + window[3]
end
local wait = 0
for _, window in ipairs(windows) do
  local until_free = held_until(window, window[2] - math.min(cost, window[2]))
  if until_free > 0 then wait = math.max(wait, until_free - now) end
end
-- To spare a turn, the bot's window must be three quarters free as well: at a busier moment every turn is an
-- answer's.
if ARGV[6] == '1' and held_until(windows[1], math.floor(windows[1][2] / 4)) > 0 then wait = math.max(wait, 1) end
if wait > 0 then return wait end
for _, window in ipairs(windows) do
  for _ = 1, math.min(cost, window[2]) do redis.call('LPUSH', window[1], now) end
  redis.call('LTRIM', window[1], 0, window[2] - 1)
  redis.call('PEXPIRE', window[1], window[3])
end
return 0
"""


def _window_key(bot_id: int, scope: str) -> str:
    return f"telegram:window:{bot_id}:{scope}"


def _pause_key(bot_id: int, scope: str) -> str:
    return f"telegram:pause:{bot_id}:{scope}"


async def forget_chat(redis: Redis, bot_id: int, chat_id: int) -> None:
    """The chat's pacing window and pause (what was last sent there, and when), for an erased user."""
    await redis.delete(_window_key(bot_id, str(chat_id)), _pause_key(bot_id, str(chat_id)))


@dataclass(frozen=True)
class _Window:
    size: int  # messages
    ms: int


class FloodControl(BaseRequestMiddleware):
    def __init__(
        self,
        redis: Redis,
        *,
        per_second: int = 30,
        private_per_second: int = 1,
        private_burst: int = 3,
        group_per_minute: int = 20,
    ) -> None:
        self._redis = redis
        self._turn = redis.register_script(_TURN_SCRIPT)
        self._global = _Window(per_second, 1000)
        # "One a second, short bursts pass": `private_burst` messages in any `private_burst` seconds.
        self._private = _Window(private_per_second * private_burst, private_burst * 1000)
        self._group = _Window(group_per_minute, 60_000)

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        chat_id = getattr(method, "chat_id", None)
        name = method.__api_method__
        counted = name.startswith(_COUNTED_PREFIXES) and name not in _UNCOUNTED
        if counted and _BEST_EFFORT.get():
            if await self._take_turn(bot.id, chat_id, 1, spare=True):
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
                await self._redis.set(_pause_key(bot.id, scope), "1", px=int(exc.retry_after * 1000))
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_for_turn(self, bot_id: int, chat_id: Any, cost: int) -> None:
        started = time.monotonic()
        # Polling is the point here: the turn is another replica's as much as ours, so no local event can say
        # when it comes; the script says how long to sleep.
        while wait_ms := await self._take_turn(bot_id, chat_id, cost, spare=False):  # noqa: ASYNC110
            await asyncio.sleep(max(wait_ms, 5) / 1000)
        WAITED.observe(time.monotonic() - started)

    async def _take_turn(self, bot_id: int, chat_id: Any, cost: int, *, spare: bool) -> int:
        """0 when the turn was taken; else the ms to wait for one (with ``spare``: no room to spare now)."""
        pauses = [_pause_key(bot_id, "all")]
        windows = [_window_key(bot_id, "all")]
        chat = _Window(0, 0)
        if isinstance(chat_id, int):
            pauses.append(_pause_key(bot_id, str(chat_id)))
            windows.append(_window_key(bot_id, str(chat_id)))
            chat = self._private if chat_id > 0 else self._group
        else:
            pauses.append(pauses[0])
        args = [cost, self._global.size, self._global.ms, chat.size, chat.ms, int(spare)]
        wait_ms: int = await self._turn(keys=pauses + windows, args=args)
        return wait_ms


def _message_count(method: TelegramMethod[Any]) -> int:
    """An album is as many messages as it has items."""
    media = getattr(method, "media", None)
    return len(media) if isinstance(media, list) else 1
