"""What a video provider is given and what it answers.

The job pipeline validates the photos and finds the couple *before* anything is charged; a provider receives
that work done: upright, metadata-free JPEG files on local disk and the two faces found in them. It writes the
clip to ``output`` and says how it went; it never touches the database, the ledger or Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol
from uuid import UUID

from storycam.contracts.media import FailureReason, KissCamProvider, KissCamStyle
from storycam.media.faces import FaceBox


@dataclass(frozen=True)
class InputPhoto:
    path: Path  # a JPEG, upright, stripped of metadata
    width: int
    height: int
    faces: tuple[FaceBox, ...]  # the faces of the couple found in this photo (two in one photo, or one each)


@dataclass(frozen=True)
class GenerationRequest:
    job_id: UUID
    photos: tuple[InputPhoto, ...]  # one photo of two people, or two photos of one person each
    style: KissCamStyle
    output: Path  # where the MP4 goes
    deadline_seconds: float  # the whole generation, polling included; past it the provider gives up
    seed: int = 0


@dataclass(frozen=True)
class GeneratedClip:
    path: Path
    duration_seconds: float
    width: int
    height: int
    provider_job_id: str | None = None  # the provider's own id (xAI's request id), for support
    cost: Decimal | None = None  # what the provider reported it cost, in its currency
    cost_currency: str | None = None


# Called as the work moves: a percentage where the provider reports one, None when it only says "still going".
Progress = Callable[[int | None], Awaitable[None]]


class GenerationFailed(Exception):
    """The provider could not make the clip. ``reason`` is what the user is told; ``retryable`` says whether the
    job may be tried again later (a fault) or never (a refusal)."""

    def __init__(self, reason: FailureReason, detail: str, *, retryable: bool = False) -> None:
        super().__init__(detail)
        self.reason: FailureReason = reason
        self.retryable = retryable


class VideoProvider(Protocol):
    name: KissCamProvider

    async def generate(self, request: GenerationRequest, progress: Progress) -> GeneratedClip:
        """Make the clip or raise GenerationFailed (moderation refusal, provider fault, deadline passed)."""
        ...

    async def aclose(self) -> None: ...
