"""The events a job publishes on ``media.events``, each with an id stable per fact (a redelivery repeats the id,
so the gateway's inbox tells the user once)."""

from __future__ import annotations

from storycam.contracts.events import Streams
from storycam.contracts.media import FailureReason, JobDone, JobFailed, JobProgress, JobState
from storycam.kit.uow import UnitOfWork
from storycam.media.jobs.repository import Job


async def progress(
    work: UnitOfWork, job: Job, state: JobState, *, queue_position: int | None = None, percent: int | None = None
) -> None:
    suffix = f":{percent}" if percent is not None else ""
    event = JobProgress(
        event_id=f"{job.id}:{state}{suffix}",
        job_id=job.id,
        user_id=job.user_id,
        chat_id=job.chat_id,
        state=state,
        queue_position=queue_position,
        percent=percent,
    )
    await work.publish(Streams.MEDIA_EVENTS, event)


async def done(work: UnitOfWork, job: Job) -> None:
    assert job.clip_key is not None
    event = JobDone(
        event_id=f"{job.id}:done",
        job_id=job.id,
        user_id=job.user_id,
        chat_id=job.chat_id,
        provider=job.provider,
        style=job.style,
        clip_key=job.clip_key,
        duration_seconds=job.duration_seconds or 0.0,
        width=job.width or 0,
        height=job.height or 0,
        reused=job.reused_from is not None,
        charged_credits=(job.charge_credits or 0) if job.charge_state == "settled" else 0,
    )
    await work.publish(Streams.MEDIA_EVENTS, event)


async def failed(work: UnitOfWork, job: Job, reason: FailureReason, *, refunded: bool) -> None:
    event = JobFailed(
        event_id=f"{job.id}:failed",
        job_id=job.id,
        user_id=job.user_id,
        chat_id=job.chat_id,
        reason=reason,
        refunded=refunded,
    )
    await work.publish(Streams.MEDIA_EVENTS, event)
