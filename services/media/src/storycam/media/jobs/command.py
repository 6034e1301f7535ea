"""``storycam-media worker``: job workers (and the outbox relay that publishes their events) without the HTTP
service, until SIGTERM or SIGINT. Run as many as the machines allow; they share ``media.jobs`` in one group."""

from __future__ import annotations

import asyncio
import signal

from redis.asyncio import Redis

from storycam.kit.app import instance_id
from storycam.kit.bus import StreamBus
from storycam.kit.db import create_pool
from storycam.kit.logging import get_logger
from storycam.kit.outbox import OutboxRelay
from storycam.kit.settings import ServiceSettings
from storycam.kit.tasks import stop_tasks
from storycam.media.runtime import MediaRuntime
from storycam.media.settings import MediaSettings

log = get_logger(__name__)


async def run_workers(settings: ServiceSettings) -> int:
    assert isinstance(settings, MediaSettings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    db = await create_pool(settings.database_url, schema="media", max_size=4)
    redis: Redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=10)
    relay = OutboxRelay(db, StreamBus(redis))
    runtime = MediaRuntime.build(
        settings, db, redis, relay, instance=instance_id(), workers=max(1, settings.kisscam_workers)
    )
    relaying = asyncio.create_task(relay.run(), name="outbox-relay")
    runtime.start(sweep=False)  # the service sweeps; one sweeper is plenty, several are harmless
    log.info("kisscam.workers_running", workers=len(runtime.workers))
    try:
        await stopping.wait()
    finally:
        await runtime.stop()
        relay.stop()
        await stop_tasks(relaying, grace=5)
        await redis.aclose()
        await db.close()
    return 0
