"""YooKassa's REST API over httpx: payments and refunds, retried safely under one Idempotence-Key.

Not the official SDK: it is synchronous (``requests`` with no timeout) and would block the event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

import httpx
from pydantic import SecretStr, ValidationError

from storycam.kit.logging import get_logger
from storycam.payments.money import Currency, Money
from storycam.payments.settings import PaymentsSettings, Provider
from storycam.payments.yookassa.errors import YooKassaError, YooKassaRejected, YooKassaUnavailable
from storycam.payments.yookassa.models import Amount, Receipt, YooKassaPayment, YooKassaRefund
from storycam.payments.yookassa.retry import RetryPolicy, is_retried

log = get_logger(__name__)

_Answer = TypeVar("_Answer", YooKassaPayment, YooKassaRefund)

# YooKassa's ids are UUID-like; anything else (from a forged notification, say) never reaches a URL path.
_OBJECT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# Metadata keys the webhook matches a re-read payment against.
PURCHASE_ID_KEY = "purchase_id"
USER_ID_KEY = "user_id"


def payment_idempotence_key(purchase_id: UUID) -> str:
    """The same for every attempt to create the payment of one purchase: YooKassa makes it once (24 h)."""
    return f"storycam-payment-{purchase_id}"


def refund_idempotence_key(purchase_id: UUID) -> str:
    """One full refund per purchase, however often it is asked for."""
    return f"storycam-refund-{purchase_id}"


class YooKassaClient:
    def __init__(
        self,
        *,
        base_url: str,
        shop_id: str,
        secret_key: SecretStr,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=base_url,
            auth=httpx.BasicAuth(shop_id, secret_key.get_secret_value()),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            headers={"user-agent": "storycam-payments"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create_payment(
        self,
        *,
        purchase_id: UUID,
        user_id: int,
        price: Money,
        description: str,
        return_url: str,
        receipt: Receipt | None = None,
    ) -> YooKassaPayment:
        """A one-stage payment (``capture: true``) the user confirms on YooKassa's page
        (``confirmation.confirmation_url``), tied to our purchase by its metadata."""
        if price.currency is not Currency.RUB:
            raise ValueError("YooKassa payments are in roubles")
        body: dict[str, Any] = {
            "amount": Amount.of(price).model_dump(mode="json"),
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": return_url},
            "description": description[:128],
            "metadata": {USER_ID_KEY: str(user_id), PURCHASE_ID_KEY: str(purchase_id)},
        }
        if receipt is not None:
            body["receipt"] = receipt.model_dump(mode="json", exclude_none=True)
        response = await self._call("POST", "payments", json=body, key=payment_idempotence_key(purchase_id))
        return _parse(YooKassaPayment, response)

    async def get_payment(self, payment_id: str) -> YooKassaPayment | None:
        """The payment as YooKassa knows it now, or None when it knows no such payment."""
        if not _OBJECT_ID.match(payment_id):
            return None
        response = await self._call("GET", f"payments/{payment_id}", not_found_is_none=True)
        return None if response is None else _parse(YooKassaPayment, response)

    async def get_refund(self, refund_id: str) -> YooKassaRefund | None:
        """The refund as YooKassa knows it now, or None when it knows no such refund."""
        if not _OBJECT_ID.match(refund_id):
            return None
        response = await self._call("GET", f"refunds/{refund_id}", not_found_is_none=True)
        return None if response is None else _parse(YooKassaRefund, response)

    async def create_refund(
        self, *, purchase_id: UUID, payment_id: str, amount: Money, description: str, key: str | None = None
    ) -> YooKassaRefund:
        """A refund of ``amount``; ``key`` (default: one full refund per purchase) is its stable Idempotence-Key."""
        if not _OBJECT_ID.match(payment_id):
            raise ValueError("not a YooKassa payment id")
        body = {
            "payment_id": payment_id,
            "amount": Amount.of(amount).model_dump(mode="json"),
            "description": description[:250],
        }
        response = await self._call("POST", "refunds", json=body, key=key or refund_idempotence_key(purchase_id))
        return _parse(YooKassaRefund, response)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        key: str | None = None,
        not_found_is_none: bool = False,
    ) -> httpx.Response | None:
        # The key is fixed before the first attempt: every retry says "the same request", never "another one".
        headers = {"Idempotence-Key": key} if key else {}
        attempts = self._retry.attempts
        for attempt in range(1, attempts + 1):
            response: httpx.Response | None = None
            try:
                response = await self._http.request(method, path, json=json, headers=headers)
            except httpx.TransportError as exc:  # timeouts included: the request may or may not have landed
                outcome = type(exc).__name__
            else:
                if response.status_code == 200:
                    return response
                if response.status_code == 404 and not_found_is_none:
                    return None
                if not is_retried(response):
                    raise _rejection(response)
                outcome = f"http {response.status_code}"
            if attempt == attempts:
                log.warning("yookassa.gave_up", method=method, path=path, attempts=attempts, outcome=outcome)
                raise YooKassaUnavailable(f"YooKassa did not answer {method} {path} after {attempts} attempts")
            delay = self._retry.delay(attempt, response)
            log.info("yookassa.retry", method=method, path=path, attempt=attempt, outcome=outcome, delay=delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _rejection(response: httpx.Response) -> YooKassaRejected:
    try:
        body = response.json()
    except ValueError:
        body = None
    fields = body if isinstance(body, dict) else {}

    def text(name: str) -> str | None:
        value = fields.get(name)
        return str(value)[:300] if value is not None else None

    return YooKassaRejected(response.status_code, text("code"), text("description"), text("parameter"))


def _parse(model: type[_Answer], response: httpx.Response | None) -> _Answer:
    assert response is not None
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise YooKassaError(f"YooKassa's answer is not a {model.__name__}: {exc.error_count()} problems") from None


def yookassa_client(settings: PaymentsSettings, **options: Any) -> YooKassaClient | None:
    """The client the settings describe, or None when YooKassa is not offered or lacks its credentials."""
    if Provider.YOOKASSA not in settings.enabled_providers:
        return None
    assert settings.yookassa_shop_id is not None
    assert settings.yookassa_secret_key is not None
    return YooKassaClient(
        base_url=settings.yookassa_api_base,
        shop_id=settings.yookassa_shop_id,
        secret_key=settings.yookassa_secret_key,
        timeout=settings.yookassa_timeout_seconds,
        retry=RetryPolicy(attempts=settings.yookassa_max_attempts),
        **options,
    )
