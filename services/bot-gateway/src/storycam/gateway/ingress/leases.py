"""Partition leases: at any moment at most one worker, in any replica, handles a partition's updates.

A lease is a Redis key with a time-to-live, renewed while its holder lives. When a replica dies its leases lapse
and the partitions pass to the living, who first finish what the dead one left pending.
"""

from __future__ import annotations

import time
from typing import Final

from redis.asyncio import Redis

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
_REPLICAS: Final = "telegram:replicas"


class PartitionLeases:
    def __init__(self, redis: Redis, holder: str, ttl_seconds: float) -> None:
        self._redis = redis
        self.holder = holder
        self.ttl_seconds = ttl_seconds
        self._ttl_ms = int(ttl_seconds * 1000)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @staticmethod
    def _key(partition: int) -> str:
        return f"telegram:partition:{partition}:owner"

    async def acquire(self, partition: int) -> bool:
        return bool(await self._redis.set(self._key(partition), self.holder, nx=True, px=self._ttl_ms))

    async def renew(self, partition: int) -> bool:
        return bool(await self._renew(keys=[self._key(partition)], args=[self.holder, self._ttl_ms]))

    async def release(self, partition: int) -> None:
        await self._release(keys=[self._key(partition)], args=[self.holder])

    async def holds(self, partition: int) -> bool:
        owner = await self._redis.get(self._key(partition))
        return owner is not None and (owner.decode() if isinstance(owner, bytes) else owner) == self.holder

    async def heartbeat(self) -> int:
        """Say this replica is alive; return how many replicas are (for a fair share of partitions)."""
        now = time.time()
        ttl = self._ttl_ms / 1000
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(_REPLICAS, {self.holder: now})
            pipe.zremrangebyscore(_REPLICAS, "-inf", now - ttl)
            pipe.zcard(_REPLICAS)
            replies = await pipe.execute()
        return max(int(replies[-1]), 1)

    async def leave(self) -> None:
        await self._redis.zrem(_REPLICAS, self.holder)
