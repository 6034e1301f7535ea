"""One job, from the row in PostgreSQL to a clip in storage, as a worker runs it.

validating (photos through intake and the couple check: a refusal here costs nothing) -> charging (a hold under the
job's key) -> generating (the provider) -> storing (the marked clip under ``clips/``) -> settle -> done; on failure
the hold is released. Each step is written before it is taken, so a worker that takes over a job after another died
knows where it got to:

* a reason to fail is recorded before the release: the next worker only releases and reports;
* the charge key is recorded before the hold is asked for: a job that fails later releases whatever payments may
  hold under it; a hold asked again under the same key holds nothing more;
* a stored clip is recorded before the settle: the next worker settles (idempotent) and reports, without rendering
  again; a settle that payments refuses (the hold expired and was released) fails the job: never free by accident;
* done and failed are written once (with their event, in one transaction): a redelivery after that is a no-op.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import asyncpg

from storycam.contracts.media import FailureReason, JobState
from storycam.kit.logging import get_logger
from storycam.kit.storage import Storage
from storycam.kit.streams import Rejected
from storycam.kit.uow import Wakeable, unit_of_work
from storycam.media.faces import FaceDetector
from storycam.media.jobs import events, repository
from storycam.media.jobs.charges import (
    ChargeConflict,
    ChargeError,
    ChargeMissing,
    Charges,
    InsufficientCredits,
    PaymentsUnavailable,
    charge_key,
)
from storycam.media.jobs.lifecycle import clip_key, delete_objects
from storycam.media.jobs.repository import Job
from storycam.media.jobs.validation import Refused, fetch_photos, validate
from storycam.media.marking import mark_clip
from storycam.media.provenance import SigningCredentials
from storycam.media.providers.base import GeneratedClip, GenerationFailed, GenerationRequest, InputPhoto
from storycam.media.providers.registry import Providers

log = get_logger(__name__)


@dataclass(frozen=True)
class JobLimits:
    max_attempts: int
    deadline_seconds: float


class JobPipeline:
    """Runs jobs for one worker (its detector is its own: OpenCV's classifiers are not thread-safe)."""

    def __init__(
        self,
        db: asyncpg.Pool,
        relay: Wakeable | None,
        storage: Storage,
        charges: Charges,
        providers: Providers,
        detector: FaceDetector,
        limits: JobLimits,
        *,
        signing: SigningCredentials | None = None,
    ) -> None:
        self._db = db
        self._relay = relay
        self._storage = storage
        self._charges = charges
        self._providers = providers
        self._detector = detector
        self._limits = limits
        self._signing = signing  # the operator's C2PA certificate; None: one made for this process
        self._last_chance = False

    async def run(self, job_id: UUID, worker: str) -> None:
        job = await repository.get(self._db, job_id)
        if job is None:
            raise Rejected(f"no Kiss Cam job {job_id}")
        if job.finished:
            return  # done or failed before (a redelivery after the end): nothing to do
        attempts = await repository.start_attempt(self._db, job_id, worker)
        # Past its attempts a job ends now, even with payments away: a hold it could not release expires by itself.
        self._last_chance = attempts > self._limits.max_attempts
        if job.failure_reason is not None:
            await self._fail(job, job.failure_reason, "resumed after a worker stopped mid-failure")
        elif job.state == "storing" and job.clip_key and await self._storage.exists(job.clip_key):
            await self._complete(job)
        elif attempts > self._limits.max_attempts:
            await self._fail(job, "internal", f"started {attempts - 1} times without finishing")
        else:
            await self._make(job)

    async def beat(self, job_id: UUID) -> None:
        """The worker is alive and on this job (the row's ``heartbeat_at``, for operators)."""
        await repository.heartbeat(self._db, job_id)

    async def _make(self, job: Job) -> None:
        log.info("kisscam.job_started", job_id=str(job.id), provider=job.provider, style=job.style)
        provider = self._providers.get(job.provider)
        if provider is None:
            await self._fail(job, "provider_failed", f"provider {job.provider} is not configured in this worker")
            return
        with tempfile.TemporaryDirectory(prefix="storycam-kisscam-") as folder:
            await self._enter(job, "validating")
            photos = await fetch_photos(self._storage, job.photo_keys)
            inputs = (
                photos
                if isinstance(photos, Refused)
                else await asyncio.to_thread(validate, photos, self._detector, Path(folder))
            )
            if isinstance(inputs, Refused):
                await self._fail(job, inputs.reason, inputs.detail)
                return
            if not await self._hold(job):
                return
            job = await self._enter(job, "generating")
            clip = await self._generate(job, inputs, Path(folder))
            if clip is None:
                return
            job = await self._enter(job, "storing")
            await asyncio.to_thread(mark_clip, clip.path, self._signing)
            key = clip_key(job.digest, job.style, job.provider)
            await self._storage.put_file(key, clip.path)
            await repository.record_clip(
                self._db,
                job.id,
                clip_key=key,
                duration_seconds=clip.duration_seconds,
                width=clip.width,
                height=clip.height,
                provider_job_id=clip.provider_job_id,
                cost=clip.cost,
                cost_currency=clip.cost_currency,
            )
        await self._complete(job)

    async def _hold(self, job: Job) -> bool:
        key = charge_key(job.id)
        await repository.note_charge_key(self._db, job.id, key)
        try:
            charge = await self._charges.hold(job.user_id, key, self._providers.charge_kind(job.provider))
        except InsufficientCredits:
            await repository.note_charge_key(self._db, job.id, None)  # refused: nothing is held to give back
            await self._fail(job, "insufficient_credits", "payments: nothing can pay for it")
            return False
        except ChargeError as error:
            await self._fail(job, "internal", str(error))
            return False
        await repository.record_charge(self._db, job.id, charge)
        if charge.state != "held":  # the hold under this key expired (released) or was spent: start no work on it
            await self._fail(job, "internal", f"the job's charge is {charge.state}, not held")
            return False
        return True

    async def _generate(self, job: Job, inputs: tuple[InputPhoto, ...], folder: Path) -> GeneratedClip | None:
        provider = self._providers.get(job.provider)
        assert provider is not None
        reported: set[int] = set()

        async def progress(percent: int | None) -> None:
            # "Still going" is what the generating event said already; a percentage goes out in steps of 10.
            if percent is None:
                await repository.heartbeat(self._db, job.id)
                return
            step = min(100, max(0, percent)) // 10 * 10
            if step in reported:
                return
            reported.add(step)
            async with unit_of_work(self._db, self._relay) as work:
                await repository.heartbeat(await work.connection(), job.id)
                await events.progress(work, job, "generating", percent=step)

        request = GenerationRequest(
            job_id=job.id,
            photos=inputs,
            style=job.style,
            output=folder / "clip.mp4",
            deadline_seconds=self._limits.deadline_seconds,
        )
        try:
            return await provider.generate(request, progress)
        except GenerationFailed as failure:
            log.warning(
                "kisscam.generation_failed", job_id=str(job.id), reason=failure.reason, retryable=failure.retryable
            )
            await self._fail(job, failure.reason, str(failure))
            return None

    async def _complete(self, job: Job) -> None:
        """Settle the charge, then done with its event; a settle refused (released meanwhile) fails the job."""
        fresh = await repository.get(self._db, job.id)
        assert fresh is not None
        if fresh.charge_key is not None and fresh.charge_state != "settled":
            try:
                charge = await self._charges.settle(fresh.user_id, fresh.charge_key)
            except (ChargeConflict, ChargeMissing) as error:
                await self._fail(fresh, "internal", f"could not settle: {error}")
                return
            await repository.record_charge(self._db, fresh.id, charge)
        async with unit_of_work(self._db, self._relay) as work:
            connection = await work.connection()
            if await repository.finish(connection, job.id, "done"):
                finished = await repository.get(connection, job.id)
                assert finished is not None
                await events.done(work, finished)
                work.after_commit(lambda: delete_objects(self._storage, finished.photo_keys))
                log.info("kisscam.job_done", job_id=str(job.id), credits=finished.charge_credits or 0)

    async def _fail(self, job: Job, reason: FailureReason, detail: str) -> None:
        """Record why, give back what was held, then failed with its event."""
        await repository.mark_failing(self._db, job.id, reason, detail)
        fresh = await repository.get(self._db, job.id)
        assert fresh is not None
        refunded = fresh.charge_state == "released"
        if fresh.charge_key is not None and fresh.charge_state in (None, "held"):
            try:
                charge = await self._charges.release(fresh.user_id, fresh.charge_key)
            except ChargeMissing:
                pass  # the hold never reached payments: nothing to give back
            except ChargeConflict:
                log.error("kisscam.release_refused", job_id=str(job.id))
            except PaymentsUnavailable:
                if not self._last_chance:
                    raise  # tried again later, from the recorded reason
                log.error("kisscam.release_abandoned", job_id=str(job.id), expires="at the hold's ttl")
            else:
                await repository.record_charge(self._db, fresh.id, charge)
                refunded = True
        async with unit_of_work(self._db, self._relay) as work:
            connection = await work.connection()
            if await repository.finish(connection, job.id, "failed"):
                final = fresh.failure_reason or reason
                await events.failed(work, fresh, final, refunded=refunded)
                work.after_commit(lambda: delete_objects(self._storage, fresh.photo_keys))
                log.info("kisscam.job_failed", job_id=str(job.id), reason=final, refunded=refunded)

    async def _enter(self, job: Job, state: JobState) -> Job:
        async with unit_of_work(self._db, self._relay) as work:
            connection = await work.connection()
            await repository.enter(connection, job.id, state)
            await events.progress(work, job, state)
        return job
