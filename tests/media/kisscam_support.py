"""What the Kiss Cam job tests share: the media service on real PostgreSQL and Redis with storage in a temporary
folder and payments stubbed at the HTTP level, photos put where the gateway puts them, and ways to watch a job."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import av
import httpx
import numpy as np
from fastapi import FastAPI
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.media import KissCamProvider
from storycam.kit.app import create_app
from storycam.kit.storage import Storage
from storycam.media.app import definition
from storycam.media.providers.base import GeneratedClip, GenerationFailed, GenerationRequest, Progress
from storycam.media.providers.registry import Providers
from storycam.media.runtime import MakeProviders, MediaRuntime
from tests.media.bad_files import encoded
from tests.media.payments_stub import PAYMENTS_URL
from tests.media.photo_set import mirrored, original, side_by_side
from tests.support.services import BY_NAME, make_settings, running


def couple_photo() -> bytes:
    """One photo of two people (two real portraits side by side, as a collage app makes them)."""
    return encoded(side_by_side([original("astronaut"), original("grace_hopper")], 600).image, "JPEG", quality=92)


def single_photos() -> tuple[bytes, bytes]:
    """Two photos of one person each."""
    return (
        encoded(original("astronaut").image, "JPEG", quality=92),
        encoded(mirrored(original("grace_hopper")).image, "JPEG", quality=92),
    )


def tiny_mp4(path: Path, *, comment: str | None = None) -> Path:
    """A valid one-second 64x64 H.264 MP4, with ``comment`` in its metadata when given."""
    with av.open(str(path), "w", format="mp4") as container:
        if comment is not None:
            container.metadata["comment"] = comment
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 20, dtype=np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


@dataclass
class StubProvider:
    """A provider that takes a fixed time (or fails) and hands back a prepared clip."""

    clip: Path
    seconds: float = 0.0
    failure: GenerationFailed | None = None
    calls: int = 0
    cancelled: bool = False
    name: KissCamProvider = "classic"

    async def generate(self, request: GenerationRequest, progress: Progress) -> GeneratedClip:
        self.calls += 1
        await progress(None)
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.failure is not None:
            raise self.failure
        await progress(100)
        shutil.copyfile(self.clip, request.output)
        return GeneratedClip(request.output, 1.0, 64, 64, "stub-1", Decimal("0.05"), "USD")

    async def aclose(self) -> None:
        return None


def only(provider: StubProvider) -> MakeProviders:
    return lambda _: Providers({"classic": provider})


@asynccontextmanager
async def media_service(
    database_url: str,
    redis_url: str,
    storage_dir: Path,
    *,
    make_providers: MakeProviders = Providers.from_settings,
    **overrides: Any,
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    values: dict[str, Any] = {
        "storage_url": str(storage_dir),
        "payments_url": PAYMENTS_URL,
        "kisscam_reclaim_idle_ms": 2_000,
        **overrides,
    }
    settings = make_settings(BY_NAME["media"], database_url, redis_url, **values)
    app = create_app(definition(make_providers=make_providers), settings)
    async with running(app) as client:
        yield client, app


def runtime_of(app: FastAPI) -> MediaRuntime:
    runtime: MediaRuntime = app.state.media
    return runtime


async def put_photos(storage: Storage, job_id: UUID, photos: Sequence[bytes]) -> list[str]:
    keys = []
    for n, data in enumerate(photos, start=1):
        key = f"inputs/{job_id}/{n}.jpg"
        await storage.put(key, data)
        keys.append(key)
    return keys


def job_body(job_id: UUID, user_id: int, keys: list[str], **fields: Any) -> dict[str, Any]:
    return {"job_id": str(job_id), "user_id": user_id, "chat_id": user_id, "photo_keys": keys, **fields}


async def wait_finished(db: asyncpg.Connection, job_id: UUID, *, patience: float = 120.0) -> asyncpg.Record:
    """The job's row once it is done or failed (a deadline for the wait, not a speed check)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    while True:
        row = await db.fetchrow("SELECT * FROM media.kisscam_jobs WHERE id = $1", job_id)
        if row is not None and row["state"] in ("done", "failed"):
            return row
        if loop.time() > give_up:
            raise AssertionError(f"job {job_id} still {row and row['state']} after {patience} s")
        await asyncio.sleep(0.05)


async def wait_for_events(
    redis: Redis, job_id: UUID, last_type: str, *, patience: float = 30.0
) -> list[dict[str, Any]]:
    """The job's events on media.events, once one of ``last_type`` is there (the outbox relays after commit)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    while True:
        found = await events_of(redis, job_id)
        if any(event["type"] == last_type for event in found):
            return found
        if loop.time() > give_up:
            raise AssertionError(f"no {last_type} for job {job_id}: {[e['type'] for e in found]}")
        await asyncio.sleep(0.05)


async def events_of(redis: Redis, job_id: UUID) -> list[dict[str, Any]]:
    found = []
    for _id, fields in await redis.xrange(Streams.MEDIA_EVENTS):
        event = json.loads(fields[b"data"])
        if event.get("job_id") == str(job_id):
            found.append(event)
    return found
