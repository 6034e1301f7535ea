"""Bad photos through the whole job path: each refused with its reason before anything is charged, the credit
untouched, the photos deleted, and the worker still taking jobs after all of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import asyncpg
from redis.asyncio import Redis

from storycam.kit.storage import LocalStorage
from tests.media import bad_files
from tests.media.kisscam_support import (
    StubProvider,
    couple_photo,
    job_body,
    media_service,
    only,
    put_photos,
    runtime_of,
    wait_finished,
    wait_for_events,
)
from tests.media.payments_stub import ChargeBook, mock_payments
from tests.media.photo_set import mirrored, original, side_by_side


def five_people() -> bytes:
    a, h, c = original("astronaut"), original("grace_hopper"), original("camera")
    return bad_files.encoded(side_by_side([a, h, c, mirrored(a), mirrored(h)], 400).image, "JPEG")


def photo(name: str) -> Callable[[], bytes]:
    return lambda: bad_files.encoded(original(name).image, "JPEG")


BAD_PHOTOS: list[tuple[str, Callable[[], bytes], str]] = [
    ("a text file named .jpg", bad_files.text_named_jpg, "not_an_image"),
    ("a truncated JPEG", bad_files.truncated_jpeg, "not_an_image"),
    ("a 20000x20000 PNG bomb", bad_files.png_bomb, "too_many_pixels"),
    ("no face", photo("coffee"), "no_face"),
    ("one face", photo("astronaut"), "one_face"),
    ("five faces", five_people, "too_many_faces"),
    ("an animated GIF", lambda: bad_files.animated("GIF"), "animated"),
    ("a still GIF", lambda: bad_files.encoded(bad_files.frames(1)[0], "GIF"), "not_an_image"),
    ("a 30 MB file", bad_files.thirty_megabytes, "too_large"),
]


async def test_every_bad_photo_is_refused_before_any_charge_and_the_worker_goes_on(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook, stub_clip: Path,
) -> None:  # fmt: skip
    provider = StubProvider(stub_clip)
    outcomes = {}
    with mock_payments(book):
        async with media_service(database_url, redis_url, storage_dir, make_providers=only(provider)) as (client, app):
            for user, (what, make, _) in enumerate(BAD_PHOTOS, start=8001):
                job_id = uuid4()
                keys = await put_photos(storage, job_id, [make()])
                answer = await client.post("/internal/v1/kisscam/jobs", json=job_body(job_id, user, keys))
                assert answer.status_code == 200, (what, answer.text)
                row = await wait_finished(jobs_db, job_id)
                failed = (await wait_for_events(redis, job_id, "media.job_failed"))[-1]
                outcomes[what] = (row["state"], row["failure_reason"], failed["reason"], failed["refunded"])
                assert not await storage.exists(keys[0]), what  # deleted with the job
            # The worker survived every one of them: a good job after them all is made.
            workers = runtime_of(app).workers
            good = uuid4()
            keys = await put_photos(storage, good, [couple_photo()])
            await client.post("/internal/v1/kisscam/jobs", json=job_body(good, 8100, keys))
            assert (await wait_finished(jobs_db, good))["state"] == "done"
            assert all(not task.done() for task in runtime_of(app)._tasks)
    assert outcomes == {what: ("failed", reason, reason, False) for what, _, reason in BAD_PHOTOS}
    assert len(workers) == 1
    assert provider.calls == 1  # only the good job reached the provider
    assert book.calls == [("hold", f"kisscam:{good}"), ("settle", f"kisscam:{good}")]  # nothing for a refusal
