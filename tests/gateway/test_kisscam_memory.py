"""What the gateway keeps in Redis for Kiss Cam: photos paired by album or window, a progress message that only
moves forward, and nothing left of a user's jobs after erasure."""

from __future__ import annotations

from uuid import uuid4

from redis.asyncio import Redis

from storycam.gateway.kisscam.collection import Collections, PhotoRef
from storycam.gateway.kisscam.records import JobRecord, JobRecords, forget_user, rank
from storycam.gateway.users.service import forget_in_redis

CHAT = 42


def _photo(n: int) -> PhotoRef:
    return PhotoRef(file_id=f"file-{n}", file_unique_id=f"u-{n}", size=1000 + n)


async def test_two_photos_pair_within_the_window_and_a_late_one_starts_again(redis: Redis) -> None:
    collections = Collections(redis, pair_window_seconds=120, ttl_seconds=600)
    added, first = await collections.add(CHAT, _photo(1), None, now=1000.0)
    assert added == "first"
    added, pair = await collections.add(CHAT, _photo(2), None, now=1100.0)
    assert (added, pair.id, pair.job_id) == ("second", first.id, first.job_id)
    added, kept = await collections.add(CHAT, _photo(3), None, now=1150.0)
    assert added == "extra"
    assert [p.file_id for p in kept.photos] == ["file-1", "file-2"]
    assert await collections.collecting(CHAT, now=1200.0)
    assert not await collections.collecting(CHAT, now=1300.0)

    added, fresh = await collections.add(CHAT, _photo(4), None, now=1300.0)
    assert added == "first"
    assert fresh.id != first.id
    assert fresh.job_id != first.job_id
    assert 0 < await redis.ttl(f"kisscam:collect:{CHAT}") <= 600


async def test_an_album_pairs_whatever_the_clock_says_and_is_answered_once(redis: Redis) -> None:
    collections = Collections(redis, pair_window_seconds=120, ttl_seconds=600)
    await collections.add(CHAT, _photo(1), "album-1", now=1000.0)
    added, pair = await collections.add(CHAT, _photo(2), "album-1", now=5000.0)
    assert (added, len(pair.photos)) == ("second", 2)
    assert await collections.first_of_album(CHAT, "album-2", "consent")
    assert not await collections.first_of_album(CHAT, "album-2", "consent")
    assert await collections.first_of_album(CHAT, "album-2", "extra")
    assert await collections.first_of_album(CHAT, None, "consent")
    assert await collections.first_of_album(CHAT, None, "consent"), "a single photo is always answered"


async def test_the_progress_message_only_moves_forward(redis: Redis) -> None:
    records = JobRecords(redis, ttl_seconds=600)
    job = uuid4()
    ordered = [
        rank("queued", queue_position=5),
        rank("queued", queue_position=1),
        rank("validating"),
        rank("generating", percent=10),
        rank("generating", percent=90),
        rank("storing"),
        rank("done"),
    ]
    assert ordered == sorted(ordered)
    assert len(set(ordered)) == len(ordered)
    assert rank("done") == rank("failed")
    assert await records.advance(job, rank("generating", percent=50))
    assert not await records.advance(job, rank("generating", percent=50)), "the same news again is not shown"
    assert not await records.advance(job, rank("validating"))
    assert await records.advance(job, rank("done"))
    assert not await records.advance(job, rank("failed")), "a job ends once"
    assert 0 < await redis.ttl(f"kisscam:job:{job}") <= 600, "a record made by an event lapses too"


async def test_erasure_forgets_the_users_jobs_and_collection(redis: Redis) -> None:
    records = JobRecords(redis, ttl_seconds=600)
    collections = Collections(redis, pair_window_seconds=120, ttl_seconds=600)
    mine, theirs = uuid4(), uuid4()
    record = JobRecord(chat_id=CHAT, user_id=CHAT, provider="classic", style="stadium", photos=[_photo(1)])
    await records.keep(mine, record)
    await records.adopt_message(mine, 7)
    await records.keep(theirs, record.model_copy(update={"user_id": 43, "chat_id": 43}))
    await records.adopt_message(theirs, 8)
    await collections.add(CHAT, _photo(2), None, now=1000.0)
    assert await records.get(mine) == record
    assert await records.progress_message(mine) == 7

    await forget_in_redis(redis, CHAT)

    assert await records.get(mine) is None
    assert await collections.get(CHAT) is None
    assert await records.progress_message(theirs) == 8, "another user's job stays"
    await forget_user(redis, 43)
    assert await records.get(theirs) is None
