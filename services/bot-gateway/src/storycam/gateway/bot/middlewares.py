"""Dispatcher middlewares: inbound throttling per user, then the user record and their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import Counter
from redis.asyncio import Redis

from storycam.gateway.bot.texts import language_of, text
from storycam.gateway.users import repository as users
from storycam.kit.state import ServiceState

THROTTLED = Counter("storycam_gateway_throttled_updates_total", "Updates dropped by the per-user limit")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InboundThrottle(BaseMiddleware):
    """One user may not flood the workers: past the limit, one friendly "slow down", then silence until the
    window has passed. Shared by every replica through Redis."""

    def __init__(self, redis: Redis, limiter: MovingWindowRateLimiter, *, updates: int, seconds: int) -> None:
        self._redis = redis
        self._limiter = limiter
        self._item = RateLimitItemPerSecond(updates, seconds)
        self._seconds = seconds

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is None or await self._limiter.hit(self._item, "inbound", str(sender.id)):
            return await handler(event, data)
        THROTTLED.inc()
        warned = await self._redis.set(f"telegram:throttle-warned:{sender.id}", "1", nx=True, ex=self._seconds)
        chat = data.get("event_chat")
        if warned and chat is not None:
            # Once per window, so the user's own choice of language is worth a query here.
            service: ServiceState = data["service"]
            language = await users.chosen_language(service.db, sender.id) or language_of(sender.language_code)
            bot: Bot = data["bot"]
            await bot.send_message(chat.id, text(language_of(language), "slow_down"))
        return None


class UserContext(BaseMiddleware):
    """Creates the user on first contact and hands handlers ``user`` and ``language``."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            service: ServiceState = data["service"]
            user = await users.upsert_seen(service.db, sender.id, language_of(sender.language_code))
            data["user"] = user
            data["language"] = user.language
        else:
            data["language"] = "en"
        return await handler(event, data)
