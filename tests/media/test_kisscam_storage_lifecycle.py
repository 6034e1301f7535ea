"""Storage lifecycle: the sweeper removes photos and clips past the retention (whatever a crash left) and keeps the
rest; the service runs it; an erased user leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import StreamBus
from storycam.kit.storage import LocalStorage
from storycam.media.faces import FaceBox
from storycam.media.jobs.lifecycle import Sweeper
from storycam.media.providers.classic import render_box
from storycam.media.render.layout import Box
from tests.media.kisscam_support import (
    StubProvider,
    couple_photo,
    job_body,
    media_service,
    only,
    put_photos,
    runtime_of,
    single_photos,
    wait_finished,
)
from tests.media.payments_stub import ChargeBook, mock_payments

JOBS = "/internal/v1/kisscam/jobs"


def age(storage: LocalStorage, key: str, hours: float) -> None:
    when = (datetime.now(UTC) - timedelta(hours=hours)).timestamp()
    os.utime(storage.path_of(key), (when, when))


async def test_the_sweeper_removes_what_is_past_the_retention(storage: LocalStorage) -> None:
    for key in ("clips/old.mp4", "clips/fresh.mp4", "inputs/abandoned/1.jpg", "inputs/queued/1.jpg", "other/x"):
        await storage.put(key, b"data")
    age(storage, "clips/old.mp4", 25)
    age(storage, "inputs/abandoned/1.jpg", 30)  # a job that died with its photos, or photos never used
    age(storage, "other/x", 100)  # not Kiss Cam's: never touched
    sweeper = Sweeper(storage, timedelta(hours=24), interval=3600)
    assert await sweeper.sweep_once() == 2
    assert [await storage.exists(k) for k in ("clips/old.mp4", "inputs/abandoned/1.jpg")] == [False, False]
    assert [await storage.exists(k) for k in ("clips/fresh.mp4", "inputs/queued/1.jpg", "other/x")] == [True] * 3
    assert not storage.path_of("inputs/abandoned").exists()  # no empty folders left behind


async def test_the_service_sweeps_at_start_and_on_its_interval(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage
) -> None:
    await storage.put("clips/left-by-a-crash.mp4", b"data")
    age(storage, "clips/left-by-a-crash.mp4", 2)
    async with media_service(
        database_url, redis_url, storage_dir, kisscam_workers=0, kisscam_clip_retention_hours=1
    ) as (_, app):
        assert runtime_of(app).sweeper is not None
        for _ in range(600):  # the service's own loop sweeps as it starts (a deadline for the wait, not a speed)
            if not await storage.exists("clips/left-by-a-crash.mp4"):
                break
            await asyncio.sleep(0.05)
        gone = not await storage.exists("clips/left-by-a-crash.mp4")
    assert gone


def test_the_detectors_box_becomes_the_renderers() -> None:
    assert render_box(FaceBox(left=10, top=20, right=110, bottom=140)) == Box(10, 20, 100, 120)


async def test_an_erased_user_leaves_no_job_photo_or_clip_behind(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook, stub_clip: Path,
) -> None:  # fmt: skip
    user, other = 9301, 9302
    job_id, kept = uuid4(), uuid4()
    with mock_payments(book):
        async with media_service(
            database_url, redis_url, storage_dir, make_providers=only(StubProvider(stub_clip))
        ) as (client, _):
            await client.post(JOBS, json=job_body(job_id, user, await put_photos(storage, job_id, [couple_photo()])))
            made = await wait_finished(jobs_db, job_id)
            other_keys = await put_photos(storage, kept, single_photos())
            await client.post(JOBS, json=job_body(kept, other, other_keys))
            kept_row = await wait_finished(jobs_db, kept)
            request = UserErasureRequested(request_id=uuid4(), user_id=user, requested_at=datetime.now(UTC))
            await StreamBus(redis).publish(Streams.USERS_ERASURE, request)
            for _ in range(600):  # a deadline for the wait
                if not await jobs_db.fetchval("SELECT count(*) FROM media.kisscam_jobs WHERE user_id = $1", user):
                    break
                await asyncio.sleep(0.05)
            for _ in range(100):  # the objects go right after the commit
                if not await storage.exists(made["clip_key"]):
                    break
                await asyncio.sleep(0.05)
    assert await jobs_db.fetchval("SELECT count(*) FROM media.kisscam_jobs WHERE user_id = $1", user) == 0
    assert not await storage.exists(made["clip_key"])
    assert await jobs_db.fetchval("SELECT count(*) FROM media.kisscam_jobs WHERE user_id = $1", other) == 1
    assert await storage.exists(kept_row["clip_key"])
