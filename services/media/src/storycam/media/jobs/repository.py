"""SQL for Kiss Cam jobs. Every state a job enters is written here, with when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final
from uuid import UUID

import asyncpg

from storycam.contracts.media import FailureReason, JobState, KissCamProvider, KissCamStyle
from storycam.contracts.payments import Charge
from storycam.kit.db import Connection, Executor

TERMINAL: Final = ("done", "failed")
# The column that records when a job entered each working state.
_STATE_COLUMN: Final = {"validating": "validating_at", "generating": "generating_at", "storing": "storing_at"}


@dataclass(frozen=True)
class Job:
    id: UUID
    user_id: int
    chat_id: int
    provider: KissCamProvider
    style: KissCamStyle
    photo_keys: list[str]
    digest: str
    state: JobState
    created_at: datetime
    finished_at: datetime | None
    attempts: int
    failure_reason: FailureReason | None
    charge_key: str | None
    charge_credits: int | None
    charge_state: str | None
    clip_key: str | None
    duration_seconds: float | None
    width: int | None
    height: int | None
    reused_from: UUID | None

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL


@dataclass(frozen=True)
class NewJob:
    id: UUID
    user_id: int
    chat_id: int
    provider: KissCamProvider
    style: KissCamStyle
    photo_keys: list[str]
    digest: str


_COLUMNS: Final = (
    "id, user_id, chat_id, provider, style, photo_keys, digest, state, created_at, finished_at, attempts, "
    "failure_reason, charge_key, charge_credits, charge_state, clip_key, duration_seconds, width, height, reused_from"
)


def _job(row: asyncpg.Record | None) -> Job | None:
    return None if row is None else Job(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - a Record


async def get(db: Executor, job_id: UUID, *, for_update: bool = False) -> Job | None:
    lock = " FOR UPDATE" if for_update else ""
    return _job(await db.fetchrow(f"SELECT {_COLUMNS} FROM kisscam_jobs WHERE id = $1{lock}", job_id))  # noqa: S608


class UnfinishedJobExists(Exception):
    """The user has a job not yet done or failed (the kisscam_jobs_one_running index refused another)."""


async def insert_queued(connection: Connection, job: NewJob) -> Job | None:
    """The new job, queued; None when a job with this id exists already. Raises UnfinishedJobExists when the user
    has an unfinished job. Inside a savepoint, so that refusal leaves the caller's transaction usable."""
    try:
        async with connection.transaction():
            return await _insert_queued(connection, job)
    except asyncpg.UniqueViolationError as exc:
        raise UnfinishedJobExists() from exc


async def _insert_queued(db: Executor, job: NewJob) -> Job | None:
    row = await db.fetchrow(
        f"""
        INSERT INTO kisscam_jobs (id, user_id, chat_id, provider, style, photo_keys, digest)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (id) DO NOTHING
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - the column list is ours
        job.id,
        job.user_id,
        job.chat_id,
        job.provider,
        job.style,
        job.photo_keys,
        job.digest,
    )
    return _job(row)


async def insert_reused(db: Executor, job: NewJob, original: Job) -> Job | None:
    """A job answered with ``original``'s clip: done at once, nothing charged. None when the id exists already."""
    row = await db.fetchrow(
        f"""
        INSERT INTO kisscam_jobs (id, user_id, chat_id, provider, style, photo_keys, digest, state, reused_from,
                                  finished_at, clip_key, duration_seconds, width, height)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 'done', $8, now(), $9, $10, $11, $12)
        ON CONFLICT (id) DO NOTHING
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - the column list is ours
        job.id,
        job.user_id,
        job.chat_id,
        job.provider,
        job.style,
        job.photo_keys,
        job.digest,
        original.id,
        original.clip_key,
        original.duration_seconds,
        original.width,
        original.height,
    )
    return _job(row)


async def jobs_since(db: Executor, user_id: int, since: datetime) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM kisscam_jobs WHERE user_id = $1 AND created_at >= $2", user_id, since
    )
    return count


async def running_job(db: Executor, user_id: int) -> UUID | None:
    job_id: UUID | None = await db.fetchval(
        "SELECT id FROM kisscam_jobs WHERE user_id = $1 AND state NOT IN ('done', 'failed') LIMIT 1", user_id
    )
    return job_id


async def reusable(db: Executor, digest: str, style: str, provider: str, finished_after: datetime) -> list[Job]:
    """Done jobs that made their own clip of these photos, style and provider since ``finished_after``, newest
    first."""
    rows = await db.fetch(
        f"""
        SELECT {_COLUMNS} FROM kisscam_jobs
        WHERE digest = $1 AND style = $2 AND provider = $3 AND state = 'done' AND finished_at > $4
              AND reused_from IS NULL AND clip_key IS NOT NULL
        ORDER BY finished_at DESC
        LIMIT 3
        """,  # noqa: S608 - the column list is ours
        digest,
        style,
        provider,
        finished_after,
    )
    return [job for row in rows if (job := _job(row)) is not None]


async def queue_position(db: Executor, job_id: UUID) -> int | None:
    """1 for the next job a worker takes; None when the job is no longer queued."""
    position: int | None = await db.fetchval(
        """
        SELECT count(*) FROM kisscam_jobs q, kisscam_jobs j
        WHERE j.id = $1 AND j.state = 'queued' AND q.state = 'queued' AND q.created_at <= j.created_at
        HAVING count(*) > 0
        """,
        job_id,
    )
    return position


async def start_attempt(db: Executor, job_id: UUID, worker: str) -> int:
    """A worker took the job: note it, and how many starts the job has had now."""
    attempts: int = await db.fetchval(
        "UPDATE kisscam_jobs SET attempts = attempts + 1, worker = $2, heartbeat_at = now() WHERE id = $1 "
        "RETURNING attempts",
        job_id,
        worker,
    )
    return attempts


async def heartbeat(db: Executor, job_id: UUID) -> None:
    await db.execute("UPDATE kisscam_jobs SET heartbeat_at = now() WHERE id = $1", job_id)


async def enter(db: Executor, job_id: UUID, state: JobState) -> None:
    """The job enters a working state (its first entry keeps its time: a take-over does not rewrite history)."""
    column = _STATE_COLUMN[state]
    await db.execute(
        f"UPDATE kisscam_jobs SET state = $2, {column} = coalesce({column}, now()) WHERE id = $1",  # noqa: S608
        job_id,
        state,
    )


async def record_charge(db: Executor, job_id: UUID, charge: Charge) -> None:
    await db.execute(
        """
        UPDATE kisscam_jobs
        SET charge_key = $2, charge_source = $3, charge_credits = $4, charge_state = $5,
            charged_at = coalesce(charged_at, now())
        WHERE id = $1
        """,
        job_id,
        charge.key,
        charge.source,
        charge.credits,
        charge.state,
    )


async def record_clip(
    db: Executor,
    job_id: UUID,
    *,
    clip_key: str,
    duration_seconds: float,
    width: int,
    height: int,
    provider_job_id: str | None,
    cost: Decimal | None,
    cost_currency: str | None,
) -> None:
    await db.execute(
        """
        UPDATE kisscam_jobs
        SET clip_key = $2, duration_seconds = $3, width = $4, height = $5, provider_job_id = $6, cost = $7,
            cost_currency = $8
        WHERE id = $1
        """,
        job_id,
        clip_key,
        duration_seconds,
        width,
        height,
        provider_job_id,
        cost,
        cost_currency,
    )


async def mark_failing(db: Executor, job_id: UUID, reason: FailureReason, detail: str) -> None:
    """The job will fail: what for, recorded before the charge is released (the first reason found stays)."""
    await db.execute(
        "UPDATE kisscam_jobs SET failure_reason = coalesce(failure_reason, $2), "
        "failure_detail = coalesce(failure_detail, $3) WHERE id = $1",
        job_id,
        reason,
        detail[:500],
    )


async def finish(db: Executor, job_id: UUID, state: JobState) -> bool:
    """Done or failed, once: False when the job had finished already."""
    status: str = await db.execute(
        "UPDATE kisscam_jobs SET state = $2, finished_at = now(), heartbeat_at = NULL "
        "WHERE id = $1 AND state NOT IN ('done', 'failed')",
        job_id,
        state,
    )
    return status.endswith(" 1")


async def videos_made(db: Executor, user_id: int) -> tuple[int, datetime | None]:
    row = await db.fetchrow(
        "SELECT count(*) AS made, max(finished_at) AS last FROM kisscam_jobs WHERE user_id = $1 AND state = 'done'",
        user_id,
    )
    assert row is not None
    return row["made"], row["last"]


async def note_charge_key(db: Executor, job_id: UUID, key: str | None) -> None:
    """The key a hold is about to be asked under: written first, so a failure later releases it whatever happened."""
    await db.execute("UPDATE kisscam_jobs SET charge_key = $2 WHERE id = $1", job_id, key)


async def erase_finished(db: Executor, user_id: int) -> list[str]:
    """Delete the user's finished jobs; the storage keys of their photos and of the clips they made themselves."""
    rows = await db.fetch(
        "DELETE FROM kisscam_jobs WHERE user_id = $1 AND state IN ('done', 'failed') "
        "RETURNING photo_keys, clip_key, reused_from",
        user_id,
    )
    keys = [key for row in rows for key in row["photo_keys"]]
    keys += [row["clip_key"] for row in rows if row["clip_key"] and row["reused_from"] is None]
    return keys
