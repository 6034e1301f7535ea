"""A consumer process that takes one entry and then hangs in its handler, to be killed by a test.

``python -m tests.support.stuck_consumer REDIS_URL STREAM GROUP``; prints ``took <entry id>`` when it has one.
"""

from __future__ import annotations

import asyncio
import sys

from redis.asyncio import Redis

from storycam.contracts.events import CanaryPing
from storycam.kit.bus import Delivery, StreamConsumer, Subscription
from storycam.kit.logging import configure_logging


async def main(redis_url: str, stream: str, group: str) -> None:
    configure_logging("stuck-consumer", fmt="console")  # logs to stderr; stdout is the test's channel
    redis: Redis = Redis.from_url(redis_url)

    async def hang(_: CanaryPing, delivery: Delivery) -> None:
        print(f"took {delivery.entry_id}", flush=True)
        await asyncio.sleep(3600)

    subscription = Subscription(stream=stream, group=group, schema=CanaryPing, handler=hang, batch=1)
    await StreamConsumer(redis, subscription, "doomed").run()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
