"""The baseline: aiogram's own aiohttp webhook handler (``SimpleRequestHandler``) with the same dispatcher.

Same handlers, same middlewares (user record in PostgreSQL, throttling in Redis), same bot session with replay
and flood control; only the ingress differs: aiogram answers the webhook and handles the update in a background
task of the same process, with nothing journaled.

``python -m bench.ingress.baseline PORT`` (DATABASE_URL, REDIS_URL, TELEGRAM_API_BASE from the environment)
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from storycam.gateway.bot.dispatcher import build_dispatcher
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.clients.stories import StoryClient
from storycam.gateway.settings import GatewaySettings
from storycam.gateway.telegram import create_bot, rate_limiter, webhook_secret
from storycam.kit.bus import ConsumerSet, StreamBus
from storycam.kit.db import create_pool
from storycam.kit.http import service_client
from storycam.kit.outbox import OutboxRelay
from storycam.kit.state import ServiceState


class BaselineThrottle(BaseMiddleware):
    def __init__(self, limiter: MovingWindowRateLimiter, settings: GatewaySettings) -> None:
        self._limiter = limiter
        self._item = RateLimitItemPerSecond(settings.user_updates_per_window, settings.user_window_seconds)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender = data.get("event_from_user")
        if sender is None or await self._limiter.hit(self._item, "inbound", str(sender.id)):
            return await handler(event, data)
        return None


async def serve(port: int) -> None:
    settings = GatewaySettings()
    db = await create_pool(settings.database_url, schema="gateway", max_size=settings.database_pool_size)
    redis: Redis = Redis.from_url(settings.redis_url)
    bus = StreamBus(redis)
    state = ServiceState(
        service="gateway",
        schema="gateway",
        settings=settings,
        db=db,
        redis=redis,
        bus=bus,
        consumers=ConsumerSet(redis, "gateway", "baseline"),
        outbox=OutboxRelay(db, bus),
    )
    limiter = rate_limiter(settings, redis)
    bot = create_bot(settings, redis)
    payments = PaymentsClient(service_client(settings.payments_url, settings, caller="gateway"))
    stories = StoryClient(service_client(settings.story_url, settings, caller="gateway"))
    dispatcher = build_dispatcher(state, settings, payments, stories)
    # The same per-user inbound limit as the gateway's, here where a one-process bot would put it.
    dispatcher.update.outer_middleware(BaselineThrottle(limiter, settings))
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=webhook_secret(settings)).register(app, "/telegram/webhook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
