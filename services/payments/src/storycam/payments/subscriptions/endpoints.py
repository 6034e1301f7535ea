"""HTTP for subscriptions: entitlements for the other services, and support's grants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from storycam.contracts.entitlements import Entitlements, Subscription, SubscriptionGrant
from storycam.kit.deps import Db, Work
from storycam.payments.subscriptions import service

router = APIRouter(prefix="/internal/v1/users/{user_id}", tags=["subscriptions"])

UserId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Telegram user id")]


@router.get("/entitlements")
async def entitlements(user_id: UserId, db: Db) -> Entitlements:
    return await service.entitlements(db, user_id)


IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="The caller's key for this grant (a UUID will do): the same request again gets the same grant",
    ),
]


@router.post(
    "/subscriptions/grants",
    status_code=201,
    responses={200: {"model": Subscription, "description": "This grant was already made under this key"}},
)
async def grant(
    user_id: UserId, request: SubscriptionGrant, idempotency_key: IdempotencyKey, work: Work, response: Response
) -> Subscription:
    subscription, created = await service.grant(work, user_id, request, idempotency_key)
    if not created:
        response.status_code = 200
    return subscription
