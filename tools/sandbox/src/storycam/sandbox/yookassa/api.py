"""YooKassa's REST API as the payments service calls it (``/yookassa/v3/...``): create and read payments and
refunds, each create under an Idempotence-Key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from storycam.sandbox.yookassa.deps import AuthenticatedShop
from storycam.sandbox.yookassa.errors import internal_error
from storycam.sandbox.yookassa.objects import Payment, Refund
from storycam.sandbox.yookassa.requests import PaymentBody, RefundBody, idempotence_key, parse_json, validated
from storycam.sandbox.yookassa.shop import Operation, YooKassaShop

router = APIRouter(prefix="/yookassa/v3", tags=["yookassa"])

IdempotenceKey = Annotated[str | None, Header(alias="Idempotence-Key")]


async def _create(
    request: Request,
    shop: YooKassaShop,
    key: str | None,
    operation: Operation,
    make: Callable[[dict[str, Any]], Payment | Refund],
) -> dict[str, Any]:
    """One create: a repeated key answers what it made before; a forced failure answers 500 before making
    anything, or after (the outcome YooKassa calls unknown)."""
    checked_key = idempotence_key(key)
    body = parse_json(await request.body())
    failure = shop.next_failure(operation)
    made = shop.replay(checked_key, operation, body)
    if made is None:
        created = make(body)
        shop.remember(checked_key, operation, body, created)
        made = created.as_json()
    if failure is not None:
        raise internal_error()
    return made


@router.post("/payments")
async def create_payment(request: Request, shop: AuthenticatedShop, key: IdempotenceKey = None) -> dict[str, Any]:
    def checkout_url(payment_id: str) -> str:
        return str(request.url_for("yookassa_checkout", payment_id=payment_id))

    return await _create(
        request, shop, key, "payments", lambda body: shop.create_payment(validated(PaymentBody, body), checkout_url)
    )


@router.get("/payments/{payment_id}")
async def get_payment(payment_id: str, shop: AuthenticatedShop) -> dict[str, Any]:
    return shop.payment(payment_id).as_json()


@router.post("/refunds")
async def create_refund(request: Request, shop: AuthenticatedShop, key: IdempotenceKey = None) -> dict[str, Any]:
    return await _create(request, shop, key, "refunds", lambda body: shop.create_refund(validated(RefundBody, body)))


@router.get("/refunds/{refund_id}")
async def get_refund(refund_id: str, shop: AuthenticatedShop) -> dict[str, Any]:
    return shop.refund(refund_id).as_json()
