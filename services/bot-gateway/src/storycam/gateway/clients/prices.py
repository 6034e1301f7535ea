"""What a Kiss Cam video would cost this user now, as the payments service quotes it (nothing is charged here)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from storycam.contracts.payments import Account, Allowances, ChargeKind, Quote
from storycam.gateway.clients.payments import PaymentsUnavailable


@dataclass(frozen=True)
class Price:
    quote: Quote
    # What is left of the allowance that pays, for "free, 2 of 3 left today"; None when payments did not say.
    allowances: Allowances | None


class PriceClient:
    """Talks to the payments service over the gateway's signed client (the one ``PaymentsClient`` uses)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def price(self, user_id: int, kind: ChargeKind) -> Price:
        try:
            response = await self._http.get(f"/internal/v1/users/{user_id}/quotes/{kind}")
            response.raise_for_status()
            quote = Quote.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise PaymentsUnavailable(f"{type(exc).__name__}: {exc}") from exc
        allowances = None
        if quote.source in {"daily_allowance", "subscription_allowance"}:
            allowances = await self._allowances(user_id)
        return Price(quote, allowances)

    async def _allowances(self, user_id: int) -> Allowances | None:
        """Only to word the price: a failure here costs the "N of M left" and nothing else."""
        try:
            response = await self._http.get(f"/internal/v1/users/{user_id}/account")
            response.raise_for_status()
            return Account.model_validate_json(response.content).allowances
        except (httpx.HTTPError, ValidationError):
            return None
