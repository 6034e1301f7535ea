"""Job workers: a consumer group on ``media.jobs`` (the kit's :class:`~storycam.kit.streams.GroupConsumer`), one job
at a time per worker, as many workers as the deployment runs, in the service or as ``storycam-media worker``.

While a job runs its worker beats: it resets the entry's idle time in Redis (``XCLAIM ... JUSTID``, which counts no
delivery) and the job row's ``heartbeat_at``. A worker that dies stops beating; once its entry has been idle
``reclaim_idle_ms`` another worker claims it (``XAUTOCLAIM``) and the pipeline carries on from what the row says.
A worker that finds its entry claimed by another (it stalled so long it was taken for dead) stops its own run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Final
from uuid import UUID

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.contracts.events import Streams
from storycam.contracts.media import KissCamJob
from storycam.kit.logging import get_logger
from storycam.kit.streams import Entry, GroupConsumer, Rejected, RetryPolicy, Ticker
from storycam.media.jobs.pipeline import JobPipeline

log = get_logger(__name__)

GROUP: Final = "media.kisscam"


class LostJob(Exception):
    """Another worker claimed this job's entry: this one stops, the other goes on."""


class JobWorker:
    def __init__(
        self,
        redis: Redis,
        pipeline: JobPipeline,
        name: str,
        *,
        reclaim_idle_ms: int,
        max_attempts: int,
        block_ms: int = 1_000,
    ) -> None:
        self.name = name
        self._redis = redis
        self._pipeline = pipeline
        self._idle_ms = reclaim_idle_ms
        self._block_ms = block_ms
        # Dead-lettering is the kit's last resort; the pipeline fails a job that keeps failing well before it.
        retry = RetryPolicy(attempts=1, redeliver=True, max_deliveries=max_attempts + 2)
        self.group = GroupConsumer(
            redis, Streams.MEDIA_JOBS, GROUP, name, start_id="0", retry=retry, delete_handled=True
        )
        self._reclaim = Ticker(reclaim_idle_ms / 2000)
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        log.info("kisscam.worker_started", worker=self.name)
        backoff, group_ready = 0.1, False
        while not self._stopping.is_set():
            try:
                if not group_ready:
                    await self.group.ensure_group()
                    group_ready = True
                await self.run_once()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                log.warning("kisscam.worker_redis_unavailable", error=str(error), retry_in=backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
                backoff = min(backoff * 2, 5.0)
        log.info("kisscam.worker_stopped", worker=self.name)

    async def run_once(self) -> int:
        """Take over one job left by a dead worker when due, else read one new job. How many were handled."""
        entries: Sequence[Entry] = []
        if self._reclaim.due():
            entries, _ = await self.group.reclaim(min_idle_ms=self._idle_ms, count=1)
        if not entries:
            entries = await self.group.read(count=1, block_ms=self._block_ms)
        for entry in entries:
            await self.group.process(entry, self._handle)
        return len(entries)

    async def _handle(self, entry: Entry) -> None:
        try:
            job_id = KissCamJob.model_validate_json(entry.fields.get("data", "")).job_id
        except ValidationError as error:
            raise Rejected(f"not a Kiss Cam job: {error.error_count()} errors") from None
        if entry.deliveries > 1:
            log.info("kisscam.job_taken_over", job_id=str(job_id), deliveries=entry.deliveries, worker=self.name)
        run = asyncio.create_task(self._pipeline.run(job_id, self.name), name=f"kisscam-job:{job_id}")
        lost = asyncio.Event()
        beat = asyncio.create_task(self._beat(entry, job_id, run, lost), name=f"kisscam-beat:{job_id}")
        try:
            await run
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if lost.is_set() and current is not None and not current.cancelling():
                # Not acked: the entry is another worker's now, and so is the job.
                raise LostJob(f"job {job_id} was taken over by another worker") from None
            raise
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            if not run.done():
                run.cancel()

    async def _beat(self, entry: Entry, job_id: UUID, run: asyncio.Task[None], lost: asyncio.Event) -> None:
        interval = self._idle_ms / 3000
        while not run.done():
            await asyncio.sleep(interval)
            try:
                mine = await self._redis.xpending_range(
                    Streams.MEDIA_JOBS, GROUP, entry.id, entry.id, 1, consumername=self.name
                )
                if not mine:
                    log.warning("kisscam.job_lost", job_id=str(job_id), worker=self.name)
                    lost.set()
                    run.cancel()
                    return
                await self._redis.xclaim(Streams.MEDIA_JOBS, GROUP, self.name, 0, [entry.id], justid=True)
                await self._pipeline.beat(job_id)
            except Exception as error:  # Redis or PostgreSQL away a moment: beat again next time
                log.warning("kisscam.heartbeat_failed", job_id=str(job_id), error=str(error))
