"""Exactly once in effect: a redone update replays its Bot API calls from their recorded results.

While an update is handled, each outbound call gets a key ``(update, n)`` (its place in the handler's sequence
of calls). The first time, the call is made and its result recorded; when a worker died after the call but before
the ack and another worker redoes the update, the same call finds its result and Telegram is not asked again.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from redis.asyncio import Redis

from storycam.gateway.outbound.responses import response_type, result_adapter

# A redo comes within seconds (a lease lapses in 10 s, an outbound entry is reclaimed after 30 s): an hour is ample,
# and an update's records go with its ack anyway (``recorded_keys``), so what users were told does not linger.
_TTL_SECONDS: Final = 3600
# Reads change nothing; a callback answer given twice is refused by Telegram as late, which ``courtesy`` takes as
# answered: none of them needs a record to be done once.
_NOT_RECORDED: Final = frozenset(
    {"getMe", "getFile", "getUpdates", "getWebhookInfo", "getMyCommands", "answerCallbackQuery"}
)


@dataclass
class Handling:
    """What the current Bot API calls are made for: an update, or another service's outbound request."""

    key: str
    calls: int = 0
    # The first try of a first delivery: no earlier try can have recorded a call, so none is looked up (a Redis
    # round trip saved per call on the common path). Anything else (a redelivery, a retry) looks each call up.
    fresh: bool = False


CURRENT_HANDLING: ContextVar[Handling | None] = ContextVar("telegram_current_handling", default=None)


def recorded_keys(bot_id: int, handling: Handling) -> list[str]:
    """The records of the calls made for ``handling`` (to delete once it can no longer be redone)."""
    return [_record_key(bot_id, handling, n) for n in range(1, handling.calls + 1)]


def _record_key(bot_id: int, handling: Handling, call: int) -> str:
    return f"telegram:effect:{bot_id}:{handling.key}:{call}"


class ReplayGuard(BaseRequestMiddleware):
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        handling = CURRENT_HANDLING.get()
        if handling is None or method.__api_method__ in _NOT_RECORDED:
            return await make_request(bot, method)
        handling.calls += 1
        key = _record_key(bot.id, handling, handling.calls)
        recorded = None if handling.fresh else await self._redis.get(key)
        if recorded is not None:
            body = recorded if isinstance(recorded, bytes) else recorded.encode()
            return (
                response_type(method.__returning__)
                .model_validate_json(b'{"ok": true, "result": ' + body + b"}", context={"bot": bot})
                .result
            )
        result = await make_request(bot, method)
        dumped = result_adapter(method.__returning__).dump_json(result, by_alias=True, exclude_none=True)
        await self._redis.set(key, dumped, ex=_TTL_SECONDS)
        return result
