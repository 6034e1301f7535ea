"""A gateway replica in its own process, owning every partition, handling updates slowly; a test kills it.

``python -m tests.gateway.doomed_replica REDIS_URL PARTITIONS``: prints one line per update it handled.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from redis.asyncio import Redis

from storycam.kit.logging import configure_logging
from tests.gateway.support import replica


async def main(redis_url: str, partitions: int) -> None:
    configure_logging("doomed-replica", fmt="console")  # stderr; stdout is the test's channel
    redis: Redis = Redis.from_url(redis_url)

    async def handle(update: dict[str, Any], *, fresh: bool = False) -> None:
        await asyncio.sleep(0.01)
        message = update["message"]
        await redis.rpush("test:handled", json.dumps([message["chat"]["id"], int(message["text"])]))
        print(update["update_id"], flush=True)

    await replica(redis, "doomed", partitions, handle, lease_seconds=1.0).run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
