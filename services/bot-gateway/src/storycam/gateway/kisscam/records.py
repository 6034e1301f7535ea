"""What the gateway remembers about a job in Redis: its photos (for "another style"), its one progress message,
and how far that message has got (so a late or redelivered event never moves it back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from uuid import UUID

from pydantic import BaseModel
from redis.asyncio import Redis

from storycam.contracts.media import JobState, KissCamProvider, KissCamStyle
from storycam.gateway.kisscam.collection import PhotoRef

_STATE_RANK: Final[dict[JobState, int]] = {
    "queued": 1,
    "validating": 2,
    "generating": 3,
    "storing": 4,
    "done": 9,
    "failed": 9,
}
# Set the rank only forward; a key made here (the record lapsed) lapses too.
_ADVANCE: Final = """
local current = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
if tonumber(ARGV[1]) > current then
    redis.call('HSET', KEYS[1], 'rank', ARGV[1])
    if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
    return 1
end
return 0
"""


def rank(state: JobState, *, queue_position: int | None = None, percent: int | None = None) -> int:
    """Later is higher: a later state, a higher percent, a place nearer the front of the queue."""
    within = (999 - min(queue_position, 999)) if queue_position is not None else (percent or 0)
    return _STATE_RANK[state] * 1000 + within


class JobRecord(BaseModel):
    chat_id: int
    user_id: int
    provider: KissCamProvider
    style: KissCamStyle
    photos: list[PhotoRef]


@dataclass(frozen=True)
class JobRecords:
    redis: Redis
    ttl_seconds: int

    async def keep(self, job_id: UUID, record: JobRecord) -> None:
        job, mine = key(job_id), user_jobs_key(record.user_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(job, "record", record.model_dump_json())
            pipe.expire(job, self.ttl_seconds)
            # The user's jobs, for erasure (/delete_me) to find the photos' file ids kept here.
            pipe.sadd(mine, job)
            pipe.expire(mine, self.ttl_seconds)
            await pipe.execute()

    async def get(self, job_id: UUID) -> JobRecord | None:
        raw = await self.redis.hget(key(job_id), "record")
        return JobRecord.model_validate_json(raw) if raw is not None else None

    async def progress_message(self, job_id: UUID) -> int | None:
        raw = await self.redis.hget(key(job_id), "message")
        return int(raw) if raw is not None else None

    async def adopt_message(self, job_id: UUID, message_id: int) -> None:
        """The progress message sent by the events consumer (the record had lapsed, or was never made here)."""
        job = key(job_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(job, "message", message_id)
            pipe.expire(job, self.ttl_seconds)
            await pipe.execute()

    async def advance(self, job_id: UUID, to: int) -> bool:
        """True when ``to`` is further than the message has got: show it. False: older news, leave it."""
        moved = await self.redis.eval(_ADVANCE, 1, key(job_id), to, self.ttl_seconds)
        return bool(moved)


def key(job_id: UUID) -> str:
    return f"kisscam:job:{job_id}"


def user_jobs_key(user_id: int) -> str:
    return f"kisscam:user-jobs:{user_id}"


async def forget_user(redis: Redis, user_id: int) -> None:
    """Everything kept about the user's jobs (erasure)."""
    mine = user_jobs_key(user_id)
    jobs = [job.decode() if isinstance(job, bytes) else str(job) for job in await redis.smembers(mine)]
    await redis.delete(mine, *jobs)
