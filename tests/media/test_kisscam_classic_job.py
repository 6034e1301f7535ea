"""A classic Kiss Cam job end to end, as the gateway asks for it: photos in storage, the REST call, a worker of the
service, the stadium clip rendered for real, stored, marked, charged once, and every step reported."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import asyncpg
import av
import pytest
from redis.asyncio import Redis

from storycam.kit.storage import LocalStorage
from tests.media.kisscam_support import (
    couple_photo,
    job_body,
    media_service,
    put_photos,
    single_photos,
    wait_finished,
    wait_for_events,
)
from tests.media.payments_stub import ChargeBook, mock_payments

pytestmark = pytest.mark.slow


def assert_streamable_clip(path: Path) -> None:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        seconds = float(container.duration or 0) / av.time_base
        assert 4.8 <= seconds <= 5.2
        assert (video.codec_context.width, video.codec_context.height) == (1280, 720)
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert "AI-generated" in container.metadata["comment"]
    boxes = top_level_boxes(path)
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # faststart: the index comes first


def top_level_boxes(path: Path) -> list[bytes]:
    """The MP4's top-level box types, in file order."""
    found, data, at = [], path.read_bytes(), 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        found.append(kind)
        if size < 8:
            break
        at += size
    return found


async def test_one_photo_of_a_couple_becomes_a_stadium_clip(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook,
) -> None:  # fmt: skip
    job_id, user = uuid4(), 7001
    keys = await put_photos(storage, job_id, [couple_photo()])
    with mock_payments(book):
        async with media_service(database_url, redis_url, storage_dir) as (client, _):
            answer = await client.post(
                "/internal/v1/kisscam/jobs",
                json=job_body(job_id, user, keys, style="stadium"),
                headers={"idempotency-key": str(job_id)},
            )
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"job_id": str(job_id), "state": "queued", "queue_position": 1, "reused": False}
            row = await wait_finished(jobs_db, job_id)
            events = await wait_for_events(redis, job_id, "media.job_done")
            stats = await client.get(f"/internal/v1/users/{user}/kisscam/stats")

    assert row["state"] == "done", row["failure_detail"]
    assert row["failure_reason"] is None
    clip_key = f"clips/{row['digest']}-stadium-classic.mp4"
    assert row["clip_key"] == clip_key
    assert_streamable_clip(storage.path_of(clip_key))
    # Every state was entered in order, once, by one worker.
    assert row["created_at"] <= row["validating_at"] <= row["charged_at"] <= row["generating_at"]
    assert row["generating_at"] <= row["storing_at"] <= row["finished_at"]
    assert row["attempts"] == 1
    assert row["worker"].startswith("media-")
    assert (row["width"], row["height"]) == (1280, 720)
    assert 4.8 <= row["duration_seconds"] <= 5.2
    # Charged once under the job's key, for a classic clip, and settled.
    key = f"kisscam:{job_id}"
    assert book.calls == [("hold", key), ("settle", key)]
    assert book.charges[key].kind == "kisscam.classic"
    assert book.charges[key].state == "settled"
    assert (row["charge_key"], row["charge_state"], row["charge_source"]) == (key, "settled", "daily_allowance")
    # What the gateway saw: queued with its place, each step, then the clip.
    steps = [(e["type"], e.get("state")) for e in events]
    assert steps[:3] == [
        ("media.job_progress", "queued"),
        ("media.job_progress", "validating"),
        ("media.job_progress", "generating"),
    ]
    assert ("media.job_progress", "storing") in steps
    assert steps[-1] == ("media.job_done", None)
    assert events[0]["queue_position"] == 1
    assert ("media.job_progress", 100) in [(e["type"], e.get("percent")) for e in events]  # the render's end
    done = events[-1]
    assert (done["clip_key"], done["width"], done["height"], done["reused"]) == (clip_key, 1280, 720, False)
    assert done["user_id"] == user
    assert done["chat_id"] == user
    assert done["charged_credits"] == 0
    # The photos are gone with the job; the clip stays for its retention.
    assert not any([await storage.exists(k) for k in keys])
    assert stats.json()["videos_made"] == 1


async def test_two_photos_of_one_person_each(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook,
) -> None:  # fmt: skip
    job_id = uuid4()
    keys = await put_photos(storage, job_id, single_photos())
    book.credits = 0
    with mock_payments(book):
        async with media_service(database_url, redis_url, storage_dir) as (client, _):
            answer = await client.post("/internal/v1/kisscam/jobs", json=job_body(job_id, 7002, keys, style="romantic"))
            assert answer.status_code == 200, answer.text
            row = await wait_finished(jobs_db, job_id)
    assert row["state"] == "done", row["failure_detail"]
    assert row["clip_key"].endswith("-romantic-classic.mp4")
    assert_streamable_clip(storage.path_of(row["clip_key"]))
    assert book.count("hold") == 1
    assert book.count("settle") == 1
    assert book.count("release") == 0
