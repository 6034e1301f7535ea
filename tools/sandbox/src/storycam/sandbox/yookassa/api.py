"""YooKassa's REST API as the payments service calls it (``/yookassa/v3/...``): create and read payments and
refunds, each create under an Idempotence-Key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from storycam.sandbox.yookassa.deps import AuthenticatedShop
from storycam.sandbox.yookassa.errors import internal_error
from storycam.sandbox.yookassa.requests import PaymentBody, RefundBody, idempotence_key, parse_json, validated

router = APIRouter(prefix="/yookassa/v3", tags=["yookassa"])

IdempotenceKey = Annotated[str | None, Header(alias="Idempotence-Key")]


@router.post("/payments")
async def create_payment(request: Request, shop: AuthenticatedShop, key: IdempotenceKey = None) -> dict[str, Any]:
    checked_key = idempotence_key(key)
    body = parse_json(await request.body())
    failure = shop.next_failure("payments")
    made = shop.replay(checked_key, "payments", body)
    if made is None:
        payment = shop.create_payment(
            validated(PaymentBody, body),
            lambda payment_id: str(request.url_for("yookassa_checkout", payment_id=payment_id)),
        )
        shop.remember(checked_key, "payments", body, payment)
        made = payment.as_json()
    if failure is not None:
        raise internal_error()  # made, yet answered 500: the outcome YooKassa calls unknown
    return made


@router.get("/payments/{payment_id}")
async def get_payment(payment_id: str, shop: AuthenticatedShop) -> dict[str, Any]:
    return shop.payment(payment_id).as_json()


@router.post("/refunds")
async def create_refund(request: Request, shop: AuthenticatedShop, key: IdempotenceKey = None) -> dict[str, Any]:
    checked_key = idempotence_key(key)
    body = parse_json(await request.body())
    failure = shop.next_failure("refunds")
    made = shop.replay(checked_key, "refunds", body)
    if made is None:
        refund = shop.create_refund(validated(RefundBody, body))
        shop.remember(checked_key, "refunds", body, refund)
        made = refund.as_json()
    if failure is not None:
        raise internal_error()  # made, yet answered 500: the outcome YooKassa calls unknown
    return made


@router.get("/refunds/{refund_id}")
async def get_refund(refund_id: str, shop: AuthenticatedShop) -> dict[str, Any]:
    return shop.refund(refund_id).as_json()
