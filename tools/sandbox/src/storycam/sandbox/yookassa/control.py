"""The emulated shop's control API (``/sandbox/yookassa/...``): what a person or the shop's dashboard does, failures
a test forces, and the notifications sent so far."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from storycam.sandbox.telegram.refusals import Invalid, NotNow, UnknownMessage
from storycam.sandbox.yookassa.deps import ShopDep
from storycam.sandbox.yookassa.errors import YooKassaApiError
from storycam.sandbox.yookassa.objects import Payment
from storycam.sandbox.yookassa.requests import MAX_AMOUNT, AmountBody, RefundBody
from storycam.sandbox.yookassa.shop import CANCELLATION_PARTIES, ForcedFailure, YooKassaShop

router = APIRouter(prefix="/sandbox/yookassa", tags=["sandbox: yookassa"])


class CancelBody(BaseModel):
    reason: str = "expired_on_confirmation"


class DashboardRefundBody(BaseModel):
    """A refund made in the shop's dashboard; without an amount, all that is left of the payment."""

    amount: Decimal | None = Field(default=None, gt=0, le=MAX_AMOUNT, decimal_places=2)
    description: str | None = Field(default=None, max_length=250)


class FailuresBody(BaseModel):
    count: int = Field(default=1, ge=1, le=100)
    operation: Literal["payments", "refunds"] = "payments"
    after_create: bool = False  # made all the same: only a retry with the same key finds out


class WebhookBody(BaseModel):
    url: str | None = Field(default=None, pattern=r"^https?://")


@contextmanager
def _as_refusal() -> Iterator[None]:
    try:
        yield
    except YooKassaApiError as error:
        raise (UnknownMessage if error.status_code == 404 else Invalid)(error.description) from None


def _pending(shop: YooKassaShop, payment_id: str) -> Payment:
    with _as_refusal():
        payment = shop.payment(payment_id)
    if payment.status != "pending":
        raise NotNow(f"Payment {payment_id} is {payment.status}, not pending.")
    return payment


@router.get("/payments")
async def payments(shop: ShopDep) -> dict[str, Any]:
    return {"payments": [payment.as_json() for payment in shop.payments.values()]}


@router.post("/payments/{payment_id}/pay")
async def pay(payment_id: str, shop: ShopDep) -> dict[str, Any]:
    """Press Pay on the checkout page."""
    payment = _pending(shop, payment_id)
    shop.pay(payment)
    return payment.as_json()


@router.post("/payments/{payment_id}/cancel")
async def cancel(payment_id: str, body: CancelBody, shop: ShopDep) -> dict[str, Any]:
    """Press Cancel on the checkout page (or let the card be declined, by ``reason``)."""
    if body.reason not in CANCELLATION_PARTIES:
        raise Invalid(f"reason is one of {', '.join(CANCELLATION_PARTIES)}")
    payment = _pending(shop, payment_id)
    shop.cancel(payment, body.reason)
    return payment.as_json()


@router.post("/payments/{payment_id}/refunds", status_code=status.HTTP_201_CREATED)
async def refund(payment_id: str, body: DashboardRefundBody, shop: ShopDep) -> dict[str, Any]:
    """A refund made in the shop's dashboard: ``refund.succeeded`` goes to the webhook."""
    with _as_refusal():
        payment = shop.payment(payment_id)
        value = body.amount if body.amount is not None else payment.refundable_amount
        if value <= 0:
            raise Invalid(f"Payment {payment_id} has nothing left to refund.")
        made = shop.create_refund(
            RefundBody(
                payment_id=payment_id,
                amount=AmountBody(value=value, currency="RUB"),
                description=body.description,
            )
        )
    return made.as_json()


@router.post("/failures", status_code=status.HTTP_204_NO_CONTENT)
async def force_failures(body: FailuresBody, shop: ShopDep) -> None:
    """Make the next ``count`` creates answer 500 (``after_create``: having made the object all the same)."""
    shop.force_failures(ForcedFailure(body.operation, body.after_create), body.count)


@router.get("/deliveries")
async def deliveries(shop: ShopDep) -> dict[str, Any]:
    """Every notification sent to the webhook, with each attempt and what the webhook answered."""
    return {
        "webhook_url": shop.webhook_url,
        "source_address": shop.notifier.source_address,
        "deliveries": [delivery.as_json() for delivery in shop.notifier.deliveries],
    }


@router.put("/webhook")
async def set_webhook(body: WebhookBody, shop: ShopDep) -> dict[str, Any]:
    """Where notifications go from now on (null: nowhere)."""
    shop.webhook_url = body.url
    return {"webhook_url": shop.webhook_url}


@router.get("/stats")
async def stats(shop: ShopDep) -> dict[str, Any]:
    """How many creates the API was asked for (retries included) and how many objects it made."""
    return {"create_calls": shop.create_calls, "payments": len(shop.payments), "refunds": len(shop.refunds)}
