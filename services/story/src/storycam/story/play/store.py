"""Progress in Redis (for an hour) in front of PostgreSQL (for good).

Every write goes to PostgreSQL first, guarded by the revision it was computed from, then to Redis. So Redis
never holds what PostgreSQL does not; a Redis flush or outage costs a read from PostgreSQL, never a step; and a
Redis copy left stale by a failed write is caught by the revision guard on the next step, which then re-reads
PostgreSQL.
"""

from __future__ import annotations

import contextlib

import asyncpg
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.kit.logging import get_logger
from storycam.story.play import repository
from storycam.story.play.progress import Interaction, Progress
from storycam.story.play.repository import Saved, UndoPoint

log = get_logger(__name__)

TTL_SECONDS = 3600
READS = Counter("storycam_story_progress_reads_total", "Progress reads by where they were found", ["source"])


def _key(user_id: int, story_id: int) -> str:
    return f"story:progress:{user_id}:{story_id}"


class ProgressStore:
    def __init__(self, db: asyncpg.Pool, redis: Redis) -> None:
        self._db = db
        self._redis = redis

    async def load(self, user_id: int, story_id: int) -> Progress | None:
        try:
            cached = await self._redis.get(_key(user_id, story_id))
        except RedisError as exc:
            log.warning("progress.redis_unavailable", error=str(exc))
            cached = None
        if cached is not None:
            READS.labels("redis").inc()
            return Progress.from_json(user_id, story_id, cached)
        return await self.load_durable(user_id, story_id)

    async def load_durable(self, user_id: int, story_id: int) -> Progress | None:
        """From PostgreSQL, refreshing the Redis copy."""
        READS.labels("postgres").inc()
        progress = await repository.load(self._db, user_id, story_id)
        if progress is not None:
            await self._cache(progress)
        return progress

    async def begin(self, progress: Progress, interaction: Interaction) -> Progress:
        revision = await repository.begin(self._db, progress, interaction)
        started = progress.advanced(revision=revision)
        await self._cache(started)
        return started

    async def save(
        self,
        before: Progress,
        after: Progress,
        interaction: Interaction,
        *,
        undo_point: UndoPoint,
        ending: str | None = None,
    ) -> tuple[Progress, Saved] | None:
        saved = await repository.save(self._db, before, after, interaction, undo_point=undo_point, ending=ending)
        if saved is None:
            return None
        can_undo = {"push": True, "keep": before.can_undo, "clear": False}[undo_point]
        stored = after.advanced(revision=saved.revision, can_undo=can_undo)
        await self._cache(stored)
        return stored, saved

    async def undo(self, before: Progress, interaction: Interaction) -> Progress | None:
        undone = await repository.undo(self._db, before, interaction)
        if undone is not None:
            await self._cache(undone)
        return undone

    async def record(self, progress: Progress, interaction: Interaction) -> None:
        await repository.record(self._db, progress.user_id, progress.story_id, progress.revision, interaction)

    async def forget(self, user_id: int, story_ids: list[int]) -> None:
        if not story_ids:
            return
        try:
            await self._redis.delete(*(_key(user_id, story_id) for story_id in story_ids))
        except RedisError as exc:
            log.warning("progress.forget_failed", error=str(exc))

    async def _cache(self, progress: Progress) -> None:
        key = _key(progress.user_id, progress.story_id)
        try:
            await self._redis.set(key, progress.to_json(), ex=TTL_SECONDS)
        except RedisError as exc:
            # PostgreSQL has it. Drop the old copy if Redis lets us; if not, the revision guard catches it.
            log.warning("progress.cache_failed", error=str(exc))
            with contextlib.suppress(RedisError):
                await self._redis.delete(key)
