"""Accepting a Kiss Cam job: the user's limits, a repeat answered from storage, or a new job queued for the workers;
and the user's Kiss Cam stats."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from storycam.contracts.events import Streams
from storycam.contracts.media import KissCamJob, KissCamJobAccepted, KissCamJobRequest, KissCamStats
from storycam.kit.db import Executor
from storycam.kit.errors import BadRequest
from storycam.kit.logging import get_logger
from storycam.kit.storage import Storage, StoredObjectMissing, check_key
from storycam.kit.uow import UnitOfWork
from storycam.media.errors import BadPhotoKey, Busy, JobIdReused, PhotoMissing, ProviderUnavailable, RateLimited
from storycam.media.jobs import events, repository
from storycam.media.jobs.lifecycle import INPUTS, REUSE_MARGIN, delete_objects
from storycam.media.jobs.repository import Job, NewJob
from storycam.media.providers.registry import Providers

log = get_logger(__name__)


@dataclass(frozen=True)
class JobRules:
    jobs_per_hour: int
    retention: timedelta


async def accept(
    work: UnitOfWork, storage: Storage, providers: Providers, rules: JobRules, request: KissCamJobRequest
) -> KissCamJobAccepted:
    if not all(-(2**63) <= number < 2**63 for number in (request.user_id, request.chat_id)):
        raise BadRequest("user_id and chat_id are Telegram ids: 64-bit integers.")
    connection = await work.connection()
    existing = await repository.get(connection, request.job_id)
    if existing is not None:
        return await _again(connection, existing, request)
    if providers.get(request.provider) is None:
        raise ProviderUnavailable(f"the {request.provider} provider is not configured on this server")
    # Cheap refusals first: no photo is read for a user who may not start a job now.
    if await repository.running_job(connection, request.user_id) is not None:
        raise Busy()
    since = datetime.now(UTC) - timedelta(hours=1)
    if await repository.jobs_since(connection, request.user_id, since) >= rules.jobs_per_hour:
        raise RateLimited(f"at most {rules.jobs_per_hour} Kiss Cam jobs an hour")
    new = NewJob(
        id=request.job_id,
        user_id=request.user_id,
        chat_id=request.chat_id,
        provider=request.provider,
        style=request.style,
        photo_keys=list(request.photo_keys),
        digest=await photos_digest(storage, request.photo_keys),
    )
    reused = await _reuse(work, storage, rules, new)
    if reused is not None:
        return reused
    try:
        job = await repository.insert_queued(connection, new)
    except repository.UnfinishedJobExists:  # a second request racing this one
        raise Busy() from None
    if job is None:  # the same job_id, accepted by a request racing this one
        raced = await repository.get(connection, request.job_id)
        assert raced is not None
        return await _again(connection, raced, request)
    position = await repository.queue_position(connection, job.id)
    await work.publish(Streams.MEDIA_JOBS, KissCamJob(job_id=job.id))
    await events.progress(work, job, "queued", queue_position=position)
    log.info("kisscam.job_queued", job_id=str(job.id), provider=job.provider, position=position)
    return KissCamJobAccepted(job_id=job.id, state="queued", queue_position=position)


async def photos_digest(storage: Storage, keys: list[str]) -> str:
    """sha256 over each photo's sha256, in order: the same photos in the same order give the same digest."""
    outer = hashlib.sha256()
    for key in keys:
        try:
            check_key(key)
        except ValueError:
            raise BadPhotoKey() from None
        if not key.startswith(f"{INPUTS}/"):  # a job deletes its photos when it ends: never anything else
            raise BadPhotoKey(f"Photo keys are under {INPUTS}/ (the gateway's uploads).")
        try:
            data = await storage.get(key)
        except StoredObjectMissing:
            raise PhotoMissing() from None
        outer.update(await asyncio.to_thread(_sha256, data))
    return outer.hexdigest()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


async def _reuse(work: UnitOfWork, storage: Storage, rules: JobRules, new: NewJob) -> KissCamJobAccepted | None:
    """The clip of an earlier job with these photos, style and provider, while storage still has it: done at once,
    free, and the photos sent this time are not kept."""
    connection = await work.connection()
    fresh_after = datetime.now(UTC) - rules.retention + REUSE_MARGIN
    for original in await repository.reusable(connection, new.digest, new.style, new.provider, fresh_after):
        assert original.clip_key is not None
        if not await storage.exists(original.clip_key):
            continue
        job = await repository.insert_reused(connection, new, original)
        if job is None:
            return None  # raced by the same job_id: the caller's insert finds it
        await events.done(work, job)
        work.after_commit(lambda: delete_objects(storage, new.photo_keys))
        log.info("kisscam.job_reused", job_id=str(job.id), original=str(original.id))
        return KissCamJobAccepted(job_id=job.id, state="done", reused=True)
    return None


async def _again(connection: Executor, job: Job, request: KissCamJobRequest) -> KissCamJobAccepted:
    """The same request again (a retry): the job as it stands. Another request under the same id is refused."""
    same = (job.user_id, job.chat_id, job.provider, job.style, job.photo_keys) == (
        request.user_id,
        request.chat_id,
        request.provider,
        request.style,
        list(request.photo_keys),
    )
    if not same:
        raise JobIdReused()
    position = await repository.queue_position(connection, job.id) if job.state == "queued" else None
    return KissCamJobAccepted(
        job_id=job.id, state=job.state, queue_position=position, reused=job.reused_from is not None
    )


async def stats(db: asyncpg.Pool, user_id: int) -> KissCamStats:
    made, last = await repository.videos_made(db, user_id)
    return KissCamStats(videos_made=made, last_made_at=last)
