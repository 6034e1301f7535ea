"""The gateway's FastAPI app: the webhook, the update workers, the outbound sender, polling when asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from storycam.gateway import __version__
from storycam.gateway.bot.dispatcher import build_dispatcher
from storycam.gateway.clients.media import MediaClient
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.clients.stories import StoryClient
from storycam.gateway.ingress import webhook
from storycam.gateway.ingress.handling import UpdateDispatch
from storycam.gateway.ingress.journal import UpdateJournal
from storycam.gateway.ingress.leases import PartitionLeases
from storycam.gateway.ingress.polling import UpdatePoller
from storycam.gateway.ingress.throttle import InboundThrottle
from storycam.gateway.ingress.webhook import router as webhook_router
from storycam.gateway.ingress.workers import UpdateWorkers
from storycam.gateway.kisscam.events import media_events_subscription
from storycam.gateway.kisscam.service import KissCam
from storycam.gateway.outbound.requests import outbound_subscription
from storycam.gateway.payment_news import payment_news_subscription
from storycam.gateway.settings import GatewaySettings
from storycam.gateway.telegram import create_bot, rate_limiter, webhook_secret
from storycam.kit.app import ServiceDefinition, create_app, instance_id
from storycam.kit.http import service_client
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.storage import open_storage
from storycam.kit.tasks import stop_tasks

log = get_logger(__name__)


@asynccontextmanager
async def gateway_setup(app: FastAPI, state: ServiceState) -> AsyncIterator[None]:
    settings = state.settings
    assert isinstance(settings, GatewaySettings)
    limiter = rate_limiter(settings, state.redis)
    bot = create_bot(settings, state.redis)
    payments_http = service_client(settings.payments_url, settings, caller="gateway")
    # The LLM behind free text may take seconds: stories get a longer timeout than a lookup.
    stories_http = service_client(settings.story_url, settings, caller="gateway", timeout=20.0)
    media_http = service_client(settings.media_url, settings, caller="gateway")
    storage = open_storage(settings.storage_url)
    payments = PaymentsClient(payments_http)
    stories = StoryClient(stories_http)
    kisscam = KissCam.build(settings, state.db, state.redis, storage, MediaClient(media_http), payments)
    dispatcher = build_dispatcher(state, settings, payments, stories, kisscam)
    journal = UpdateJournal(state.redis, bot.id, settings.ingress_partitions)
    app.state.bot = bot
    app.state.dispatcher = dispatcher
    app.state.journal = journal
    app.state.webhook_secret = webhook_secret(settings).encode()

    holder = instance_id()
    workers = UpdateWorkers(
        state.redis,
        PartitionLeases(state.redis, holder, settings.partition_lease_seconds),
        settings.ingress_partitions,
        UpdateDispatch(bot, dispatcher, state),
        doorkeeper=InboundThrottle(
            bot, state, limiter, updates=settings.user_updates_per_window, seconds=settings.user_window_seconds
        ),
        attempts=settings.update_attempts,
        in_flight=settings.chats_in_flight_per_partition,
    )
    app.state.workers = workers
    tasks = [asyncio.create_task(workers.run(), name="update-workers")] if settings.update_workers else []
    poller: UpdatePoller | None = None
    if settings.telegram_bot_token is not None and settings.public_base_url is None:
        poller = UpdatePoller(bot, state.redis, journal, holder)
        tasks.append(asyncio.create_task(poller.run(), name="update-poller"))
        log.info("telegram.polling", reason="TELEGRAM_BOT_TOKEN is set and PUBLIC_BASE_URL is not")
    state.consumers.add(outbound_subscription(bot, state, payments))
    state.consumers.add(payment_news_subscription(bot, state, payments, stories, dispatcher.storage))
    state.consumers.add(media_events_subscription(bot, state, kisscam))
    try:
        yield
    finally:
        workers.stop()
        if poller is not None:
            poller.stop()
        await stop_tasks(*tasks, grace=15)
        await bot.session.close()
        await payments_http.aclose()
        await stories_http.aclose()
        await media_http.aclose()
        await storage.aclose()


DEFINITION = ServiceDefinition(
    name="gateway",
    schema="gateway",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(webhook_router,),
    setup=gateway_setup,
    public_routes=(webhook.PUBLIC_ROUTE,),
    self_instrumented_paths=("/telegram/webhook",),
    hot_routes=(webhook.HOT_ROUTE,),
)


def build_app(settings: GatewaySettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or GatewaySettings())
