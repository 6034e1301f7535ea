"""A worker process killed with SIGKILL while it renders: another worker process takes the job over once the entry
has been idle long enough, and the job ends done once, charged once. Two processes call payments here, so the
payments stub is a real HTTP server in the test process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.kit.storage import LocalStorage
from tests.media.kisscam_support import (
    couple_photo,
    events_of,
    job_body,
    media_service,
    put_photos,
    wait_finished,
    wait_for_events,
)
from tests.media.payments_stub import ChargeBook, PaymentsServer
from tests.media.test_kisscam_classic_job import assert_streamable_clip
from tests.support.services import TEST_SECRET

pytestmark = pytest.mark.slow

WORKER = Path(sys.executable).parent / "storycam-media"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([str(WORKER), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


async def wait_for_state(db: asyncpg.Connection, job_id: UUID, state: str, *, patience: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    while await db.fetchval("SELECT state FROM media.kisscam_jobs WHERE id = $1", job_id) != state:
        if loop.time() > give_up:
            raise AssertionError(f"job {job_id} never reached {state}")
        await asyncio.sleep(0.02)


async def test_a_worker_killed_mid_job_leaves_it_to_another_done_once_charged_once(
    jobs_db: asyncpg.Connection, redis: Redis, database_url: str, redis_url: str, storage_dir: Path,
    storage: LocalStorage, book: ChargeBook, tmp_path: Path,
) -> None:  # fmt: skip
    job_id = uuid4()
    key = f"kisscam:{job_id}"
    keys = await put_photos(storage, job_id, [couple_photo()])
    workers: list[subprocess.Popen[bytes]] = []
    with PaymentsServer(book) as payments_url:
        env = {
            **os.environ,
            "STORYCAM_ENV": "test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "STORAGE_URL": str(storage_dir),
            "PAYMENTS_URL": payments_url,
            "INTERNAL_AUTH_SECRET": TEST_SECRET,
            "XAI_API_KEY": "",
            "KISSCAM_WORKERS": "1",
            "KISSCAM_RECLAIM_IDLE_MS": "1500",
            "LOG_FORMAT": "console",
        }
        # The service takes the job and publishes it; it runs no worker itself.
        async with media_service(
            database_url, redis_url, storage_dir, kisscam_workers=0, payments_url=payments_url
        ) as (client, _):
            try:
                first = start_worker(env, tmp_path / "first.log")
                workers.append(first)
                answer = await client.post("/internal/v1/kisscam/jobs", json=job_body(job_id, 9201, keys))
                assert answer.status_code == 200, answer.text
                await wait_for_state(jobs_db, job_id, "generating")
                first.send_signal(signal.SIGKILL)
                assert first.wait(timeout=30) == -signal.SIGKILL
                taken = await jobs_db.fetchrow("SELECT worker, attempts FROM media.kisscam_jobs WHERE id = $1", job_id)
                assert f"-{first.pid}-" in taken["worker"]
                second = start_worker(env, tmp_path / "second.log")
                workers.append(second)
                row = await wait_finished(jobs_db, job_id)
                events = await wait_for_events(redis, job_id, "media.job_done")
                second.send_signal(signal.SIGTERM)
                assert second.wait(timeout=60) == 0
            finally:
                for process in workers:
                    if process.poll() is None:
                        process.kill()
                        process.wait(timeout=30)
    logs = (tmp_path / "second.log").read_text(errors="replace")
    assert row["state"] == "done", (row["failure_detail"], logs[-3000:])
    assert f"-{second.pid}-" in row["worker"]
    assert row["attempts"] == 2
    # Charged once: the second hold under the same key held nothing more, and one settle spent it.
    assert book.count("hold", key) == 2
    assert book.count("settle", key) == 1
    assert book.count("release") == 0
    assert list(book.charges) == [key]
    assert book.charges[key].state == "settled"
    # Done once, with a clip that plays.
    assert [e["type"] for e in await events_of(redis, job_id)].count("media.job_done") == 1
    assert events[-1]["clip_key"] == row["clip_key"]
    assert_streamable_clip(storage.path_of(row["clip_key"]))
