"""A worker beats while its job runs: a job longer than the take-over idle time stays with its living worker, and a
worker that finds its job taken over (it stalled that long) stops, leaving the job to the other one."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

import asyncpg
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.kit.storage import LocalStorage
from storycam.media.jobs.worker import GROUP
from tests.media.kisscam_support import (
    StubProvider,
    couple_photo,
    job_body,
    media_service,
    only,
    put_photos,
    runtime_of,
    wait_finished,
)
from tests.media.payments_stub import ChargeBook, mock_payments

JOBS = "/internal/v1/kisscam/jobs"


async def wait_generating(db: asyncpg.Connection, job_id: object) -> None:
    for _ in range(1200):  # a deadline for the wait
        if await db.fetchval("SELECT state FROM media.kisscam_jobs WHERE id = $1", job_id) == "generating":
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the job never reached generating")


async def test_a_long_job_stays_with_its_living_worker(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage,
    book: ChargeBook, stub_clip: Path,
) -> None:  # fmt: skip
    # Three times the idle time after which a silent worker's job is taken; a second worker is looking all along.
    provider = StubProvider(stub_clip, seconds=6.0)
    job_id = uuid4()
    with mock_payments(book):
        async with media_service(
            database_url, redis_url, storage_dir, make_providers=only(provider),
            kisscam_workers=2, kisscam_reclaim_idle_ms=2_000,
        ) as (client, _):  # fmt: skip
            keys = await put_photos(storage, job_id, [couple_photo()])
            await client.post(JOBS, json=job_body(job_id, 9401, keys))
            row = await wait_finished(jobs_db, job_id)
    assert row["state"] == "done"
    assert row["attempts"] == 1
    assert provider.calls == 1
    assert book.count("hold") == 1
    assert row["heartbeat_at"] is None  # cleared when the job ended


async def test_a_worker_whose_job_was_taken_over_stops_it(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook, stub_clip: Path,
) -> None:  # fmt: skip
    provider = StubProvider(stub_clip, seconds=60.0)
    job_id = uuid4()
    with mock_payments(book):
        async with media_service(
            database_url, redis_url, storage_dir, make_providers=only(provider), kisscam_reclaim_idle_ms=1_500
        ) as (client, app):
            keys = await put_photos(storage, job_id, [couple_photo()])
            await client.post(JOBS, json=job_body(job_id, 9402, keys))
            await wait_generating(jobs_db, job_id)
            (pending,) = await redis.xpending_range(Streams.MEDIA_JOBS, GROUP, "-", "+", 10)
            # Another worker claims the entry, as if this one had been silent past the idle time.
            await redis.xclaim(Streams.MEDIA_JOBS, GROUP, "another-worker", 0, [pending["message_id"]])
            for _ in range(400):  # a deadline for the wait: the next beat finds the entry gone and stops the job
                if provider.cancelled:
                    break
                await asyncio.sleep(0.05)
            worker_alive = all(not task.done() for task in runtime_of(app)._tasks)
            owners = await redis.xpending_range(Streams.MEDIA_JOBS, GROUP, "-", "+", 10)
            row = await jobs_db.fetchrow("SELECT * FROM media.kisscam_jobs WHERE id = $1", job_id)
    assert provider.cancelled
    assert worker_alive
    # Not acked and not finished: the entry (and the job) are the other worker's now.
    assert [o["consumer"] for o in owners] == [b"another-worker"]
    assert row["state"] == "generating"
    assert book.count("settle") == 0
    assert book.count("release") == 0
