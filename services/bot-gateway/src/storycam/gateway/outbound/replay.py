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

_TTL_SECONDS: Final = 2 * 24 * 3600
_NOT_RECORDED: Final = frozenset({"getMe", "getFile", "getUpdates", "getWebhookInfo", "getMyCommands"})


@dataclass
class Handling:
    """What the current Bot API calls are made for: an update, or another service's outbound request."""

    key: str
    calls: int = 0


CURRENT_HANDLING: ContextVar[Handling | None] = ContextVar("telegram_current_handling", default=None)


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
        key = f"telegram:effect:{bot.id}:{handling.key}:{handling.calls}"
        recorded = await self._redis.get(key)
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
