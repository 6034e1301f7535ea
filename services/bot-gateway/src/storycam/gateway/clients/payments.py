"""The payments service, as the gateway asks it things (paths and bodies: ``storycam.contracts.payments``)."""

from __future__ import annotations

import asyncio
from typing import Any, Final, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from storycam.contracts.entitlements import Entitlements
from storycam.contracts.payments import (
    Account,
    ChargeKind,
    Checkout,
    CheckoutRequest,
    Offers,
    PaymentHistory,
    PaymentOutcome,
    PreCheckoutRequest,
    PreCheckoutVerdict,
    Quote,
    RenewalChange,
    StarsPayment,
)
from storycam.contracts.telegram import StarsRefundDone

M = TypeVar("M", bound=BaseModel)

# A payment Telegram already took is reported until payments has it: a few quick tries here, then the update's own
# retries. Safe to repeat: payments journals a Stars payment by its charge id.
_REPORT_PAUSES: Final = (0.5, 1.0, 2.0)


class PaymentsUnavailable(Exception):
    """Payments did not answer, or answered an error: say so to the user, never guess."""


class PaymentsRefused(Exception):
    """Payments said no (4xx), with its error code (``not_found``, ``conflict``...)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


class PaymentsClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def entitlements(self, user_id: int) -> Entitlements:
        return await self._get(f"/internal/v1/users/{user_id}/entitlements", Entitlements)

    async def offers(self) -> Offers:
        return await self._get("/internal/v1/offers", Offers)

    async def checkout(self, user_id: int, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        response = await self._request(
            "POST",
            f"/internal/v1/users/{user_id}/checkouts",
            json=request.model_dump(mode="json"),
            headers={"Idempotency-Key": idempotency_key},
        )
        return _read(response, Checkout)

    async def pre_checkout(self, request: PreCheckoutRequest) -> PreCheckoutVerdict:
        response = await self._request("POST", "/internal/v1/stars/pre-checkout", json=request.model_dump(mode="json"))
        return _read(response, PreCheckoutVerdict)

    async def report_stars_payment(self, payment: StarsPayment) -> PaymentOutcome:
        """Report a ``successful_payment``; retried a little when payments is away (a refusal is not retried)."""
        for pause in (*_REPORT_PAUSES, None):
            try:
                response = await self._request(
                    "POST", "/internal/v1/stars/payments", json=payment.model_dump(mode="json")
                )
                return _read(response, PaymentOutcome)
            except PaymentsUnavailable:
                if pause is None:
                    raise
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    async def report_stars_refund(self, done: StarsRefundDone) -> None:
        await self._request("POST", "/internal/v1/stars/refunds", json=done.model_dump(mode="json"))

    async def account(self, user_id: int) -> Account:
        return await self._get(f"/internal/v1/users/{user_id}/account", Account)

    async def quote(self, user_id: int, kind: ChargeKind) -> Quote:
        """What one more Kiss Cam video of ``kind`` would cost the user now; nothing is held."""
        return await self._get(f"/internal/v1/users/{user_id}/quotes/{kind}", Quote)

    async def history(self, user_id: int, limit: int = 10) -> PaymentHistory:
        return await self._get(f"/internal/v1/users/{user_id}/payments", PaymentHistory, params={"limit": limit})

    async def change_renewal(self, user_id: int, change: RenewalChange) -> None:
        await self._request("POST", f"/internal/v1/users/{user_id}/renewal", json=change.model_dump(mode="json"))

    async def _get(self, path: str, model: type[M], **kwargs: Any) -> M:
        return _read(await self._request("GET", path, **kwargs), model)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise PaymentsUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if 400 <= response.status_code < 500:
            code, detail = _error_of(response)
            raise PaymentsRefused(response.status_code, code, detail)
        if response.status_code >= 500:
            raise PaymentsUnavailable(f"payments answered {response.status_code}")
        return response


def _read(response: httpx.Response, model: type[M]) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        # Another version of payments, or a proxy's page: as good as no answer.
        raise PaymentsUnavailable(f"payments answered what is not a {model.__name__}") from exc


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "error", ""
    if not isinstance(body, dict):
        return "error", ""
    return str(body.get("error", "error")), str(body.get("detail", ""))[:300]
