"""The inbound limit per user, decided when an update is read, before it waits for anything.

Counting updates when they are handled let a flood through: handling one chat waits for Telegram's per-chat
pacing, so a user sending 60 messages in 5 s was handled at one a second and never reached the limit, while the
rest of the partition waited behind them. Decided at the door, the limit holds whatever the pacing: past it the
user gets one friendly "slow down" per window and the rest of their updates are acked unhandled.
Shared by every replica through Redis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiogram import Bot
from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import Counter
from redis.asyncio import Redis

from storycam.gateway.bot.texts import Language, language_of, text
from storycam.gateway.ingress.journal import chat_of, sender_of
from storycam.gateway.ingress.workers import Admission
from storycam.gateway.users import service as users
from storycam.kit.state import ServiceState

THROTTLED = Counter("storycam_gateway_throttled_updates_total", "Updates dropped by the per-user limit")

# Payments are never throttled: Telegram wants a pre-checkout answer within 10 s, and a payment made is a payment
# to honour, however many messages came with it.
_NEVER_THROTTLED: Final = frozenset({"pre_checkout_query", "shipping_query"})
_PAYMENT_MESSAGES: Final = ("successful_payment", "refunded_payment")


# Taps over the limit answered with a note, per user and window; past it they are acked unanswered, so a flood of
# taps costs the partition a few Bot API calls a window, not one each (their spinners stop by themselves).
_BRUSH_OFFS_PER_WINDOW: Final = 3


def warned_key(user_id: int) -> str:
    return f"telegram:throttle-warned:{user_id}"


def _brushed_key(user_id: int) -> str:
    return f"telegram:throttle-brushed:{user_id}"


class InboundThrottle:
    def __init__(
        self, bot: Bot, state: ServiceState, limiter: MovingWindowRateLimiter, *, updates: int, seconds: int
    ) -> None:
        self._bot = bot
        self._state = state
        self._redis: Redis = state.redis
        self._limiter = limiter
        self._item = RateLimitItemPerSecond(updates, seconds)
        self._seconds = seconds

    async def admit(self, update: dict[str, Any]) -> Admission:
        found = sender_of(update)
        if found is None or _exempt(update, found[0]):
            return Admission.HANDLE
        user_id = int(found[1]["id"])
        if await self._limiter.hit(self._item, "inbound", str(user_id)):
            return Admission.HANDLE
        THROTTLED.inc()
        if isinstance(update.get("callback_query"), Mapping):
            # A tap is answered, or its button spins on: up to a few a window, one round trip to count them.
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(_brushed_key(user_id), 0, nx=True, ex=self._seconds)
                pipe.incr(_brushed_key(user_id))
                _, brushed = await pipe.execute()
            return Admission.BRUSH_OFF if int(brushed) <= _BRUSH_OFFS_PER_WINDOW else Admission.DROP
        warned = await self._redis.set(warned_key(user_id), "1", nx=True, ex=self._seconds)
        return Admission.SLOW_DOWN if warned and chat_of(update) is not None else Admission.DROP

    async def slow_down(self, update: dict[str, Any]) -> None:
        found, chat = sender_of(update), chat_of(update)
        if found is None or chat is None:
            return
        # Once per window, so the user's own choice of language is worth a query here.
        await self._bot.send_message(chat, text(await self._language(found[1]), "slow_down"))

    async def brush_off(self, update: dict[str, Any]) -> None:
        """A tap over the limit: a short note where the tap was (no message in the chat), so the button stops
        spinning and the user knows why nothing happened."""
        found = sender_of(update)
        query_id = update["callback_query"].get("id")
        if found is None or not isinstance(query_id, str):
            return
        await self._bot.answer_callback_query(query_id, text=text(await self._language(found[1]), "slow_down.tap"))

    async def _language(self, sender: Mapping[str, Any]) -> Language:
        chosen = await users.chosen_language(self._state.db, int(sender["id"]))
        return language_of(chosen or _text_or_none(sender.get("language_code")))


async def forget(redis: Redis, user_id: int) -> None:
    """The user's window and warning, for ``/delete_me``."""
    keys = [warned_key(user_id), _brushed_key(user_id)]
    keys += [key async for key in redis.scan_iter(match=f"*inbound/{user_id}/*", count=1000)]
    await redis.delete(*keys)


def _exempt(update: Mapping[str, Any], kind: str) -> bool:
    if kind in _NEVER_THROTTLED:
        return True
    message = update.get(kind)
    return isinstance(message, Mapping) and any(key in message for key in _PAYMENT_MESSAGES)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
