"""The baseline: aiogram's own aiohttp webhook handler (``SimpleRequestHandler``) with the same dispatcher.

Same handlers, same middlewares (user record in PostgreSQL, throttling in Redis), same bot session with replay
and flood control; only the ingress differs: aiogram answers the webhook and handles the update in a background
task of the same process, with nothing journaled.

``python -m bench.ingress.baseline PORT`` (DATABASE_URL, REDIS_URL, TELEGRAM_API_BASE from the environment)
"""

from __future__ import annotations

import asyncio
import sys

from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
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
    bot = create_bot(settings, redis, limiter)
    payments = PaymentsClient(service_client(settings.payments_url, settings, caller="gateway"))
    stories = StoryClient(service_client(settings.story_url, settings, caller="gateway"))
    dispatcher = build_dispatcher(state, settings, limiter, payments, stories)
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
