"""What a job costs, through the payments service's charges (``storycam.contracts.payments``): hold before the
provider runs, settle once the clip is stored, release when the job fails. The key is the job's, so every call is
idempotent on payments' side: a worker that takes over a job repeats them safely."""

from __future__ import annotations

from uuid import UUID

import httpx

from storycam.contracts.payments import Charge, ChargeKind, ChargeRequest


class ChargeError(Exception):
    """Payments answered, and the answer forbids going on."""


class InsufficientCredits(ChargeError):
    """402: nothing the user has can pay for the job."""


class ChargeMissing(ChargeError):
    """404: payments holds nothing under this key (the hold never reached it)."""


class ChargeConflict(ChargeError):
    """409: settling a released charge, or releasing a settled one."""


class PaymentsUnavailable(Exception):
    """No answer, or a 5xx: the outcome is unknown; the job is tried again later with the same key."""


def charge_key(job_id: UUID) -> str:
    return f"kisscam:{job_id}"


class Charges:
    def __init__(self, client: httpx.AsyncClient, *, ttl_seconds: int) -> None:
        self._client = client
        self._ttl = ttl_seconds

    async def hold(self, user_id: int, key: str, kind: ChargeKind) -> Charge:
        body = ChargeRequest(key=key, kind=kind, ttl_seconds=self._ttl)
        return await self._call(f"/internal/v1/users/{user_id}/charges", body.model_dump_json(), idempotency_key=key)

    async def settle(self, user_id: int, key: str) -> Charge:
        return await self._call(f"/internal/v1/users/{user_id}/charges/{key}/settle")

    async def release(self, user_id: int, key: str) -> Charge:
        return await self._call(f"/internal/v1/users/{user_id}/charges/{key}/release")

    async def _call(self, path: str, body: str | None = None, *, idempotency_key: str | None = None) -> Charge:
        headers = {"content-type": "application/json"}
        if idempotency_key is not None:
            headers["idempotency-key"] = idempotency_key
        try:
            response = await self._client.post(path, content=body or "{}", headers=headers)
        except httpx.HTTPError as error:
            raise PaymentsUnavailable(f"{type(error).__name__} calling payments") from error
        status = response.status_code
        if status < 300:
            return Charge.model_validate_json(response.content)
        detail = f"payments answered {status} to {path.rsplit('/', 1)[-1]}"
        if status == 402:
            raise InsufficientCredits(detail)
        if status == 404:
            raise ChargeMissing(detail)
        if status == 409:
            raise ChargeConflict(detail)
        if status >= 500 or status == 429:
            raise PaymentsUnavailable(detail)
        raise ChargeError(detail)

    async def aclose(self) -> None:
        await self._client.aclose()
