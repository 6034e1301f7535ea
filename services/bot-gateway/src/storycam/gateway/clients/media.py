"""The media service, as the gateway asks it things: Kiss Cam jobs and what a user made."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final, get_args

import httpx
from pydantic import ValidationError

from storycam.contracts.errors import ErrorBody
from storycam.contracts.media import (
    FailureReason,
    KissCamJobAccepted,
    KissCamJobRequest,
    KissCamProvider,
    KissCamProviders,
    KissCamStats,
)


class MediaUnavailable(Exception):
    """Media did not answer, or failed (5xx): the same job may be asked for again with the same id."""


class JobRefused(Exception):
    """Media said no to this job (4xx) for a reason the user is told: a limit, the photos, the price."""

    def __init__(self, reason: FailureReason, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


_REASONS: frozenset[str] = frozenset(get_args(FailureReason))
_ALL_PROVIDERS: Final[tuple[KissCamProvider, ...]] = get_args(KissCamProvider)
PROVIDERS_FRESH_SECONDS: Final = 60.0  # how long media's list of providers is taken as it was


def _reason(response: httpx.Response) -> FailureReason:
    """The failure code of a refusal; one this gateway has no words for is "internal" (never a guess)."""
    try:
        code = ErrorBody.model_validate_json(response.content).error
    except ValidationError:
        code = ""
    if code in _REASONS:
        return code  # type: ignore[return-value]  # checked against the Literal's values just above
    return "insufficient_credits" if response.status_code == httpx.codes.PAYMENT_REQUIRED else "internal"


class MediaClient:
    def __init__(self, http: httpx.AsyncClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._http = http
        self._clock = clock
        self._providers: tuple[float, list[KissCamProvider]] | None = None

    async def providers(self) -> list[KissCamProvider]:
        """The kinds of video media can make, asked at most once a minute. When media does not answer, all of
        them: a job asked for then is refused with a reason the user is told (``provider_unavailable``)."""
        now = self._clock()
        if self._providers is not None and now - self._providers[0] < PROVIDERS_FRESH_SECONDS:
            return self._providers[1]
        try:
            response = await self._http.get("/internal/v1/kisscam/providers")
            response.raise_for_status()
            known = KissCamProviders.model_validate_json(response.content).providers
        except (httpx.HTTPError, ValidationError):
            return list(_ALL_PROVIDERS)
        self._providers = (now, known)
        return known

    async def submit(self, job: KissCamJobRequest) -> KissCamJobAccepted:
        """Ask for the job; the job id is the Idempotency-Key, so asking twice makes one job."""
        try:
            response = await self._http.post(
                "/internal/v1/kisscam/jobs",
                content=job.model_dump_json(),
                headers={"Idempotency-Key": str(job.job_id), "content-type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise MediaUnavailable(f"media answered {response.status_code}")
        if response.status_code >= 400:
            raise JobRefused(_reason(response), response.status_code)
        try:
            return KissCamJobAccepted.model_validate_json(response.content)
        except ValidationError as exc:
            raise MediaUnavailable(
                f"media answered what is not a KissCamJobAccepted: {exc.error_count()} errors"
            ) from exc

    async def stats(self, user_id: int) -> KissCamStats:
        try:
            response = await self._http.get(f"/internal/v1/users/{user_id}/kisscam/stats")
            response.raise_for_status()
            return KissCamStats.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise MediaUnavailable(f"{type(exc).__name__}: {exc}") from exc
