"""Where a worker can die, and what the next one does: carry on from the row, never charge twice, never make a
clip for free. Each test sets a job's row (and the payments stub) as a worker left them, then runs the pipeline as
the worker that took the job over."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from storycam.contracts.payments import Charge, ChargeKind
from storycam.kit.db import create_pool
from storycam.kit.http import service_client
from storycam.kit.storage import LocalStorage
from storycam.media.faces import HaarFaceDetector
from storycam.media.jobs.charges import Charges, PaymentsUnavailable
from storycam.media.jobs.pipeline import JobLimits, JobPipeline
from storycam.media.providers.base import GenerationFailed
from storycam.media.providers.registry import Providers
from tests.media.kisscam_support import (
    StubProvider,
    couple_photo,
    events_of,
    job_body,
    media_service,
    put_photos,
    runtime_of,
    wait_for_events,
)
from tests.media.payments_stub import PAYMENTS_URL, ChargeBook, mock_payments


class Takeover:
    """A job accepted by the service (no worker in it), and the pipeline of the worker that takes it over."""

    def __init__(self, app: FastAPI, client: Any, pool: asyncpg.Pool, storage: LocalStorage, provider: StubProvider):
        self.app, self.client, self.storage, self.provider = app, client, storage, provider
        runtime = runtime_of(app)
        charges = Charges(service_client(PAYMENTS_URL, runtime.settings, caller="media"), ttl_seconds=600)
        self.pipeline = JobPipeline(
            pool,
            app.state.service.outbox,
            storage,
            charges,
            Providers({"classic": provider}),
            HaarFaceDetector(),
            JobLimits(max_attempts=3, deadline_seconds=60),
        )
        self.pool = pool

    async def job(self, user: int) -> UUID:
        job_id = uuid4()
        keys = await put_photos(self.storage, job_id, [couple_photo()])
        answer = await self.client.post("/internal/v1/kisscam/jobs", json=job_body(job_id, user, keys))
        assert answer.status_code == 200, answer.text
        return job_id

    async def left_as(self, job_id: UUID, **columns: Any) -> None:
        sets = ", ".join(f"{name} = ${n}" for n, name in enumerate(columns, start=2))
        await self.pool.execute(f"UPDATE kisscam_jobs SET {sets} WHERE id = $1", job_id, *columns.values())

    async def row(self, job_id: UUID) -> asyncpg.Record:
        row = await self.pool.fetchrow("SELECT * FROM kisscam_jobs WHERE id = $1", job_id)
        assert row is not None
        return row


@pytest.fixture
async def takeover(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage,
    book: ChargeBook, stub_clip: Path,
) -> AsyncIterator[Takeover]:  # fmt: skip
    pool = await create_pool(database_url, schema="media", max_size=4)
    try:
        with mock_payments(book):
            async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0) as (client, app):
                yield Takeover(app, client, pool, storage, StubProvider(stub_clip))
    finally:
        await pool.close()


def held(book: ChargeBook, job_id: UUID, state: str = "held", kind: ChargeKind = "kisscam.classic") -> str:
    """A charge payments holds for the job already (the dead worker asked for it)."""
    key = f"kisscam:{job_id}"
    book.charges[key] = Charge.model_validate(
        {
            "key": key,
            "kind": kind,
            "source": "credits",
            "credits": 5,
            "state": state,
            "expires_at": "2099-01-01T00:00:00Z",
        }
    )
    return key


async def test_died_while_generating_after_the_hold(takeover: Takeover, book: ChargeBook, redis: Redis) -> None:
    job_id = await takeover.job(9101)
    key = held(book, job_id)
    await takeover.left_as(job_id, state="generating", attempts=1, charge_key=key, charge_state="held")
    await takeover.pipeline.run(job_id, "w2")
    row = await takeover.row(job_id)
    assert (row["state"], row["attempts"], row["worker"]) == ("done", 2, "w2")
    # The hold was asked again under the same key: payments answered the same charge, nothing more was held.
    assert len(book.charges) == 1
    assert book.count("hold", key) == 1
    assert book.count("settle", key) == 1
    assert book.charges[key].state == "settled"
    assert takeover.provider.calls == 1
    done = (await wait_for_events(redis, job_id, "media.job_done"))[-1]
    assert done["charged_credits"] == 5


async def test_died_after_storing_the_clip_before_the_settle(takeover: Takeover, book: ChargeBook) -> None:
    job_id = await takeover.job(9102)
    key = held(book, job_id)
    clip = "clips/left-by-the-dead-worker.mp4"
    await takeover.storage.put_file(clip, takeover.provider.clip)
    await takeover.left_as(
        job_id, state="storing", attempts=1, charge_key=key, charge_state="held", clip_key=clip,
        duration_seconds=1.0, width=64, height=64,
    )  # fmt: skip
    await takeover.pipeline.run(job_id, "w2")
    assert (await takeover.row(job_id))["state"] == "done"
    assert takeover.provider.calls == 0  # not made again
    assert book.calls == [("settle", key)]


async def test_died_after_the_settle_before_done(takeover: Takeover, book: ChargeBook, redis: Redis) -> None:
    job_id = await takeover.job(9103)
    key = held(book, job_id, state="settled")
    clip = "clips/settled-before-the-crash.mp4"
    await takeover.storage.put_file(clip, takeover.provider.clip)
    await takeover.left_as(
        job_id, state="storing", attempts=1, charge_key=key, charge_state="held", clip_key=clip,
        duration_seconds=1.0, width=64, height=64,
    )  # fmt: skip
    await takeover.pipeline.run(job_id, "w2")
    await takeover.pipeline.run(job_id, "w3")  # and the entry redelivered once more after done: a no-op
    assert (await takeover.row(job_id))["state"] == "done"
    assert book.calls == [("settle", key)]  # settling a settled charge answers it again; nothing moves twice
    await wait_for_events(redis, job_id, "media.job_done")
    assert [e["type"] for e in await events_of(redis, job_id)].count("media.job_done") == 1


async def test_died_while_failing_before_the_release(takeover: Takeover, book: ChargeBook, redis: Redis) -> None:
    job_id = await takeover.job(9104)
    key = held(book, job_id)
    await takeover.left_as(
        job_id, state="generating", attempts=1, charge_key=key, charge_state="held", failure_reason="moderation"
    )
    await takeover.pipeline.run(job_id, "w2")
    row = await takeover.row(job_id)
    assert (row["state"], row["failure_reason"], row["charge_state"]) == ("failed", "moderation", "released")
    assert takeover.provider.calls == 0
    assert book.calls == [("release", key)]
    failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
    assert (failed["reason"], failed["refunded"]) == ("moderation", True)


async def test_a_job_that_keeps_killing_its_workers_fails_and_gives_the_credit_back(
    takeover: Takeover, book: ChargeBook, redis: Redis
) -> None:
    job_id = await takeover.job(9105)
    key = held(book, job_id)
    await takeover.left_as(job_id, state="generating", attempts=3, charge_key=key, charge_state="held")
    await takeover.pipeline.run(job_id, "w4")
    row = await takeover.row(job_id)
    assert (row["state"], row["failure_reason"], row["attempts"]) == ("failed", "internal", 4)
    assert takeover.provider.calls == 0
    assert book.calls == [("release", key)]
    failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
    assert failed["refunded"] is True


async def test_a_provider_refusal_releases_the_hold(takeover: Takeover, book: ChargeBook, redis: Redis) -> None:
    takeover.provider.failure = GenerationFailed("moderation", "the provider refused the content")
    job_id = await takeover.job(9106)
    await takeover.pipeline.run(job_id, "w1")
    key = f"kisscam:{job_id}"
    assert book.calls == [("hold", key), ("release", key)]
    failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
    assert (failed["reason"], failed["refunded"]) == ("moderation", True)


async def test_a_user_who_cannot_pay_is_told_so_and_nothing_is_made(
    takeover: Takeover, book: ChargeBook, redis: Redis
) -> None:
    book.broke.add(9107)
    job_id = await takeover.job(9107)
    await takeover.pipeline.run(job_id, "w1")
    assert takeover.provider.calls == 0
    assert book.calls == [("hold", f"kisscam:{job_id}")]  # nothing was held, so nothing to release
    failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
    assert (failed["reason"], failed["refunded"]) == ("insufficient_credits", False)


async def test_a_hold_that_expired_meanwhile_is_never_spent(takeover: Takeover, book: ChargeBook) -> None:
    # The dead worker's hold outlived its ttl: payments released it. No clip is made on it.
    job_id = await takeover.job(9108)
    held(book, job_id, state="released")
    await takeover.left_as(job_id, state="generating", attempts=1, charge_key=f"kisscam:{job_id}")
    await takeover.pipeline.run(job_id, "w2")
    row = await takeover.row(job_id)
    assert (row["state"], row["failure_reason"]) == ("failed", "internal")
    assert takeover.provider.calls == 0


async def test_a_settle_refused_after_the_clip_was_made_never_delivers_it_free(
    takeover: Takeover, book: ChargeBook, redis: Redis
) -> None:
    job_id = await takeover.job(9109)
    key = held(book, job_id, state="released")  # released (expired) while the clip was being stored
    clip = "clips/made-on-an-expired-hold.mp4"
    await takeover.storage.put_file(clip, takeover.provider.clip)
    await takeover.left_as(
        job_id, state="storing", attempts=1, charge_key=key, charge_state="held", clip_key=clip,
        duration_seconds=1.0, width=64, height=64,
    )  # fmt: skip
    await takeover.pipeline.run(job_id, "w2")
    assert (await takeover.row(job_id))["state"] == "failed"
    types = [e["type"] for e in await wait_for_events(redis, job_id, "media.job_failed")]
    assert "media.job_done" not in types


async def test_payments_away_leaves_the_job_for_later_until_its_last_attempt(
    takeover: Takeover, book: ChargeBook, redis: Redis
) -> None:
    job_id = await takeover.job(9110)
    key = held(book, job_id)
    await takeover.left_as(
        job_id, state="generating", attempts=1, charge_key=key, charge_state="held", failure_reason="provider_failed"
    )
    book.down = True
    with pytest.raises(PaymentsUnavailable):  # the entry stays pending: another delivery tries the release again
        await takeover.pipeline.run(job_id, "w2")
    assert (await takeover.row(job_id))["state"] == "generating"
    await takeover.left_as(job_id, attempts=3)
    await takeover.pipeline.run(job_id, "w4")  # the last start: the job ends; the hold expires at its ttl
    row = await takeover.row(job_id)
    assert (row["state"], row["failure_reason"], row["charge_state"]) == ("failed", "provider_failed", "held")
    failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
    assert failed["refunded"] is False
