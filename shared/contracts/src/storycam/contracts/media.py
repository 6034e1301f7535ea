"""Kiss Cam between the gateway and the media service.

The gateway collects the photos, puts them in the shared object storage (``storycam.kit.storage``, configured by
``STORAGE_URL`` in both services) and asks media for a job over REST; media validates, charges through payments,
queues the job on ``media.jobs`` for its workers and reports on ``media.events``. User-facing words are the
gateway's: events carry states and reason codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from storycam.contracts.base import Contract

KissCamProvider = Literal["classic", "grok"]
KissCamStyle = Literal["stadium", "romantic", "cinematic"]
JobState = Literal["queued", "validating", "generating", "storing", "done", "failed"]

# Why a job (or its photos) was refused; the gateway has a sentence for each, in both languages.
FailureReason = Literal[
    "not_an_image",  # not JPEG/PNG/WebP, or the file is corrupt or truncated
    "animated",  # a GIF or an animated WebP/PNG
    "too_large",  # the file is bigger than the limit
    "too_many_pixels",  # a decompression bomb or an absurd size
    "too_small",  # the picture is too small to find faces in
    "no_face",
    "one_face",
    "too_many_faces",
    "faces_too_small",
    "too_dark",
    "moderation",  # the provider refused the content
    "provider_failed",  # the provider failed or did not finish in time
    "provider_unavailable",  # this kind of video is not configured on the server (no xAI key)
    "insufficient_credits",
    "rate_limited",  # the hourly limit
    "busy",  # a job of this user is already running
    "internal",
]


class KissCamJobRequest(Contract):
    """``POST /internal/v1/kisscam/jobs`` on media (Idempotency-Key: ``job_id``)."""

    job_id: UUID
    user_id: int
    chat_id: int
    provider: KissCamProvider = "classic"
    style: KissCamStyle = "stadium"
    # Storage keys of the photos the gateway stored: one photo of two people, or two photos of one person each.
    photo_keys: list[str] = Field(min_length=1, max_length=2)


class KissCamJobAccepted(Contract):
    job_id: UUID
    state: JobState
    queue_position: int | None = None
    # The same photos and style within the retention period: the stored clip, at no charge (state "done").
    reused: bool = False


class KissCamJob(Contract):
    """On ``media.jobs``: a job for the workers (its details are in media's PostgreSQL)."""

    type: Literal["media.kisscam_job"] = "media.kisscam_job"
    job_id: UUID


class JobProgress(Contract):
    type: Literal["media.job_progress"] = "media.job_progress"
    event_id: str
    job_id: UUID
    user_id: int
    chat_id: int
    state: JobState
    queue_position: int | None = None
    percent: int | None = Field(default=None, ge=0, le=100)  # the provider's progress, where it reports one


class JobDone(Contract):
    type: Literal["media.job_done"] = "media.job_done"
    event_id: str
    job_id: UUID
    user_id: int
    chat_id: int
    provider: KissCamProvider
    style: KissCamStyle
    clip_key: str  # in the shared storage; the gateway uploads it once and keeps Telegram's file_id by this key
    duration_seconds: float
    width: int
    height: int
    reused: bool = False
    charged_credits: int = 0


class JobFailed(Contract):
    type: Literal["media.job_failed"] = "media.job_failed"
    event_id: str
    job_id: UUID
    user_id: int
    chat_id: int
    reason: FailureReason
    refunded: bool = False  # the held charge was released


MediaEvent = JobProgress | JobDone | JobFailed


class KissCamProviders(Contract):
    """``GET /internal/v1/kisscam/providers`` on media: the kinds of video it can make (configured there)."""

    providers: list[KissCamProvider]


class KissCamStats(Contract):
    """``GET /internal/v1/users/{user_id}/kisscam/stats`` on media."""

    videos_made: int
    last_made_at: datetime | None = None
