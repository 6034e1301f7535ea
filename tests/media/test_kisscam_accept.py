"""Accepting a Kiss Cam job over REST: one running job per user, the hourly limit, the same request again, a
repeat of the same photos and style answered from storage for free, and clear refusals of bad requests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.kit.storage import LocalStorage
from tests.media.kisscam_support import (
    StubProvider,
    couple_photo,
    events_of,
    job_body,
    media_service,
    only,
    put_photos,
    wait_finished,
    wait_for_events,
)
from tests.media.payments_stub import ChargeBook, mock_payments

JOBS = "/internal/v1/kisscam/jobs"


async def published_jobs(db: asyncpg.Connection, redis: Redis, job_id: UUID) -> int:
    """How many times the job was put on media.jobs, once the outbox has relayed everything."""
    for _ in range(400):
        if not await db.fetchval("SELECT count(*) FROM media.outbox"):
            break
        await asyncio.sleep(0.05)
    entries = await redis.xrange(Streams.MEDIA_JOBS)
    return sum(1 for _, fields in entries if json.loads(fields[b"data"])["job_id"] == str(job_id))


async def test_one_running_job_per_user(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage
) -> None:
    first, second, other = uuid4(), uuid4(), uuid4()
    async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0) as (client, _):
        keys = await put_photos(storage, first, [couple_photo()])
        assert (await client.post(JOBS, json=job_body(first, 9001, keys))).json()["queue_position"] == 1
        busy = await client.post(JOBS, json=job_body(second, 9001, keys, style="romantic"))
        elsewhere = await client.post(JOBS, json=job_body(other, 9002, keys, style="romantic"))
    assert busy.status_code == 429
    assert busy.json()["error"] == "busy"
    assert elsewhere.status_code == 200
    assert elsewhere.json()["queue_position"] == 2
    assert await jobs_db.fetchval("SELECT count(*) FROM media.kisscam_jobs WHERE id = $1", second) == 0


async def test_the_hourly_limit(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage
) -> None:
    user, jobs = 9011, [uuid4() for _ in range(3)]
    keys = await put_photos(storage, jobs[0], [couple_photo()])
    async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0, kisscam_jobs_per_hour=2) as (
        client,
        _,
    ):
        for job_id in jobs[:2]:
            assert (await client.post(JOBS, json=job_body(job_id, user, keys))).status_code == 200
            await jobs_db.execute("UPDATE media.kisscam_jobs SET state = 'failed' WHERE id = $1", job_id)
        limited = await client.post(JOBS, json=job_body(jobs[2], user, keys))
        # An hour later the first no longer counts.
        await jobs_db.execute(
            "UPDATE media.kisscam_jobs SET created_at = created_at - interval '61 minutes' WHERE id = $1", jobs[0]
        )
        later = await client.post(JOBS, json=job_body(jobs[2], user, keys))
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert later.status_code == 200


async def test_the_same_request_again_is_the_same_job(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage,
) -> None:  # fmt: skip
    job_id = uuid4()
    keys = await put_photos(storage, job_id, [couple_photo()])
    async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0) as (client, _):
        answers = [await client.post(JOBS, json=job_body(job_id, 9021, keys)) for _ in range(3)]
        another = await client.post(JOBS, json=job_body(job_id, 9021, keys, style="cinematic"))
        published = await published_jobs(jobs_db, redis, job_id)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.json() == answers[0].json() for a in answers)
    assert another.status_code == 409
    assert another.json()["error"] == "job_id_reused"
    assert published == 1
    queued = [e for e in await events_of(redis, job_id) if e.get("state") == "queued"]
    assert len(queued) == 1


async def test_bad_requests_are_refused_clearly(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage
) -> None:
    job_id = uuid4()
    keys = await put_photos(storage, job_id, [couple_photo()])
    async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0) as (client, _):
        grok = await client.post(JOBS, json=job_body(job_id, 9031, keys, provider="grok"))
        missing = await client.post(JOBS, json=job_body(job_id, 9031, ["inputs/nothing/1.jpg"]))
        outside = await client.post(JOBS, json=job_body(job_id, 9031, ["../../etc/passwd"]))
        await storage.put("clips/someone-elses.mp4", b"a clip")
        a_clip = await client.post(JOBS, json=job_body(job_id, 9031, ["clips/someone-elses.mp4"]))
        three = await client.post(JOBS, json=job_body(job_id, 9031, keys * 3))
        style = await client.post(JOBS, json=job_body(job_id, 9031, keys, style="disco"))
        mismatch = await client.post(JOBS, json=job_body(job_id, 9031, keys), headers={"idempotency-key": str(uuid4())})
        offered = (await client.get("/internal/v1/kisscam/providers")).json()
    assert (grok.status_code, grok.json()["error"]) == (409, "provider_unavailable")
    assert offered == {"providers": ["classic"]}, "what the gateway offers: no xAI key, no AI video"
    assert (missing.status_code, missing.json()["error"]) == (422, "photo_missing")
    assert (outside.status_code, outside.json()["error"]) == (422, "bad_photo_key")
    assert (a_clip.status_code, a_clip.json()["error"]) == (422, "bad_photo_key")  # a job would delete it at its end
    assert (three.status_code, three.json()["error"]) == (422, "validation_error")
    assert (style.status_code, style.json()["error"]) == (422, "validation_error")
    assert (mismatch.status_code, mismatch.json()["error"]) == (400, "bad_request")
    assert await jobs_db.fetchval("SELECT count(*) FROM media.kisscam_jobs") == 0


async def test_the_same_photos_and_style_again_get_the_stored_clip_free(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook, stub_clip: Path,
) -> None:  # fmt: skip
    provider = StubProvider(stub_clip)
    first, again, restyled, late = uuid4(), uuid4(), uuid4(), uuid4()
    with mock_payments(book):
        async with media_service(database_url, redis_url, storage_dir, make_providers=only(provider)) as (client, _):
            keys = await put_photos(storage, first, [couple_photo()])
            await client.post(JOBS, json=job_body(first, 9041, keys))
            made = await wait_finished(jobs_db, first)
            # Another user sends the very same photo, stored under keys of its own job.
            again_keys = await put_photos(storage, again, [couple_photo()])
            reused = await client.post(JOBS, json=job_body(again, 9042, again_keys))
            done = (await wait_for_events(redis, again, "media.job_done"))[-1]
            restyled_answer = await client.post(
                JOBS,
                json=job_body(restyled, 9043, await put_photos(storage, restyled, [couple_photo()]), style="cinematic"),
            )
            # Past the retention the stored clip is no longer handed out.
            await jobs_db.execute(
                "UPDATE media.kisscam_jobs SET finished_at = finished_at - interval '24 hours' WHERE id = $1", first
            )
            late_answer = await client.post(
                JOBS, json=job_body(late, 9044, await put_photos(storage, late, [couple_photo()]))
            )
            stats = (await client.get("/internal/v1/users/9042/kisscam/stats")).json()
    assert made["state"] == "done"
    assert reused.json() == {"job_id": str(again), "state": "done", "queue_position": None, "reused": True}
    assert (done["clip_key"], done["reused"], done["charged_credits"]) == (made["clip_key"], True, 0)
    assert book.count("hold", f"kisscam:{again}") == 0  # nothing charged for the repeat
    assert not await storage.exists(again_keys[0])  # its photos are not kept
    assert stats["videos_made"] == 1
    assert restyled_answer.json()["reused"] is False
    assert late_answer.json()["reused"] is False
    row = await jobs_db.fetchrow("SELECT * FROM media.kisscam_jobs WHERE id = $1", again)
    assert (row["reused_from"], row["clip_key"], row["charge_key"]) == (first, made["clip_key"], None)


async def test_with_an_xai_key_both_kinds_of_video_are_offered(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path
) -> None:
    async with media_service(database_url, redis_url, storage_dir, kisscam_workers=0, xai_api_key="xai-test") as (
        client,
        _,
    ):
        offered = await client.get("/internal/v1/kisscam/providers")
    assert offered.status_code == 200
    assert offered.json() == {"providers": ["classic", "grok"]}
