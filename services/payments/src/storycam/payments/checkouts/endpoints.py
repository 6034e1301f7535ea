"""HTTP for what is for sale, checkouts, payment history and renewal."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from storycam.contracts.payments import (
    Checkout,
    CheckoutRequest,
    Offer,
    OfferPrice,
    Offers,
    PaymentHistory,
    PaymentRecord,
    RenewalChange,
)
from storycam.kit.deps import Db
from storycam.kit.errors import NotFound
from storycam.payments.checkouts import service
from storycam.payments.context import Payments
from storycam.payments.fulfilment import repository as fulfilment
from storycam.payments.fulfilment.service import title_of
from storycam.payments.purchases import repository as purchases
from storycam.payments.settings import Provider
from storycam.payments.subscriptions.endpoints import IdempotencyKey, UserId

router = APIRouter(prefix="/internal/v1", tags=["checkouts"])

# The order offers list their prices in.
_PROVIDER_ORDER = (Provider.STARS, Provider.YOOKASSA, Provider.YOOMONEY)


@router.get("/offers")
async def offers(payments: Payments) -> Offers:
    enabled = [p for p in _PROVIDER_ORDER if p in payments.settings.enabled_providers]
    listed = []
    for product in payments.catalogue.for_sale(frozenset(enabled)):
        prices = [
            OfferPrice(provider=p.value, amount=price.amount, currency=price.currency.value)
            for p in enabled
            if (price := product.price_for(p)) is not None
        ]
        listed.append(
            Offer(
                product_id=product.id,
                kind=product.kind.value,
                title=product.title.model_dump(),
                description=product.description.model_dump(),
                premium_days=product.grants.premium_days,
                ai_videos_per_period=product.grants.ai_videos_per_period,
                ai_video_credits=product.grants.ai_video_credits,
                prices=prices,
            )
        )
    return Offers(
        providers=[p.value for p in enabled],
        offers=listed,
        receipt_contact_for=[p.value for p in enabled if p in payments.settings.receipt_providers],
    )


@router.post("/users/{user_id}/checkouts")
async def checkout(
    user_id: UserId, request: CheckoutRequest, idempotency_key: IdempotencyKey, db: Db, payments: Payments
) -> Checkout:
    return await service.checkout(db, payments, user_id, request, idempotency_key)


@router.get("/users/{user_id}/payments")
async def history(
    user_id: UserId, db: Db, payments: Payments, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> PaymentHistory:
    records = [
        PaymentRecord(
            purchase_id=p.id,
            product_id=p.product_id,
            title=title_of(payments.catalogue, p.product_id),
            provider=p.provider.value,
            amount=Decimal(p.price.as_text()),
            currency=p.price.currency.value,
            status=p.status.value,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in await purchases.recent(db, user_id, limit)
    ]
    return PaymentHistory(payments=records)


@router.post("/users/{user_id}/renewal", status_code=204)
async def renewal(user_id: UserId, change: RenewalChange, db: Db) -> None:
    if not await fulfilment.set_auto_renew(db, user_id, change.auto_renew):
        raise NotFound("This user has no subscription that renews.")
