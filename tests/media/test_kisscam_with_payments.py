"""The job's charges against the payments service itself (in process, through its signed API), not a stub: a
classic job held from the daily allowance and settled; a refused one releases its hold and gives the use back."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

from storycam.kit.app import create_app
from storycam.kit.storage import LocalStorage
from storycam.media.app import definition
from storycam.media.providers.base import GenerationFailed
from tests.media.kisscam_support import StubProvider, couple_photo, job_body, only, put_photos, wait_finished
from tests.support.services import BY_NAME, build, make_settings, running

JOBS = "/internal/v1/kisscam/jobs"


async def test_a_job_is_held_and_settled_by_payments_and_a_failed_one_released(
    jobs_db: asyncpg.Connection, database_url: str, redis_url: str, storage_dir: Path, storage: LocalStorage,
    stub_clip: Path,
) -> None:  # fmt: skip
    provider = StubProvider(stub_clip)
    made, refused = uuid4(), uuid4()
    user = 9501
    await jobs_db.execute("DELETE FROM payments.charges WHERE user_id = $1", user)
    async with LifespanManager(build(BY_NAME["payments"], database_url, redis_url), startup_timeout=30) as payments:
        settings = make_settings(BY_NAME["media"], database_url, redis_url, storage_url=str(storage_dir))
        media = create_app(
            definition(payments_transport=httpx.ASGITransport(app=payments.app), make_providers=only(provider)),
            settings,
        )
        async with running(media) as client:
            await client.post(JOBS, json=job_body(made, user, await put_photos(storage, made, [couple_photo()])))
            done = await wait_finished(jobs_db, made)
            provider.failure = GenerationFailed("moderation", "refused")
            await client.post(
                JOBS,
                json=job_body(refused, user, await put_photos(storage, refused, [couple_photo()]), style="romantic"),
            )
            failed = await wait_finished(jobs_db, refused)
    charges = {
        row["key"]: (row["kind"], row["source"], row["state"])
        for row in await jobs_db.fetch("SELECT * FROM payments.charges WHERE user_id = $1", user)
    }
    assert (done["state"], done["charge_state"], done["charge_source"]) == ("done", "settled", "daily_allowance")
    assert (failed["state"], failed["failure_reason"], failed["charge_state"]) == ("failed", "moderation", "released")
    assert charges == {
        f"kisscam:{made}": ("kisscam.classic", "daily_allowance", "settled"),
        f"kisscam:{refused}": ("kisscam.classic", "daily_allowance", "released"),
    }
