"""The payments service, as the gateway asks it things."""

from __future__ import annotations

import httpx

from storycam.contracts.entitlements import Entitlements


class PaymentsUnavailable(Exception):
    """Payments did not answer, or answered an error: say so to the user, never guess."""


class PaymentsClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def entitlements(self, user_id: int) -> Entitlements:
        try:
            response = await self._http.get(f"/internal/v1/users/{user_id}/entitlements")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise PaymentsUnavailable(str(exc)) from exc
        return Entitlements.model_validate_json(response.content)
