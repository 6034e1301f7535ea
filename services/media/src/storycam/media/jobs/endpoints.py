"""HTTP for Kiss Cam jobs: accept one, and a user's stats."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, status

from storycam.contracts.errors import ErrorBody
from storycam.contracts.media import KissCamJobAccepted, KissCamJobRequest, KissCamProviders, KissCamStats
from storycam.kit.deps import Db, Work
from storycam.kit.errors import BadRequest
from storycam.media.deps import Runtime, UserId
from storycam.media.jobs import service

router = APIRouter(prefix="/internal/v1", tags=["kisscam"])

_REFUSALS = {
    status.HTTP_429_TOO_MANY_REQUESTS: {"model": ErrorBody, "description": "rate_limited or busy"},
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "provider_unavailable or job_id_reused"},
}


@router.post("/kisscam/jobs", responses=_REFUSALS)  # type: ignore[arg-type]
async def accept_job(
    request: KissCamJobRequest,
    work: Work,
    runtime: Runtime,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> KissCamJobAccepted:
    if idempotency_key is not None and idempotency_key != str(request.job_id):
        raise BadRequest("Idempotency-Key must be the job_id.")
    return await service.accept(work, runtime.storage, runtime.providers, runtime.rules, request)


@router.get("/kisscam/providers")
async def kisscam_providers(runtime: Runtime) -> KissCamProviders:
    """What the gateway offers: a kind of video this server cannot make is not shown to users."""
    return KissCamProviders(providers=runtime.providers.names)


@router.get("/users/{user_id}/kisscam/stats")
async def kisscam_stats(user_id: UserId, db: Db) -> KissCamStats:
    return await service.stats(db, user_id)
