"""HTTP for subscriptions: entitlements for the other services, and support's grants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from storycam.contracts.entitlements import Entitlements, Subscription, SubscriptionGrant
from storycam.kit.deps import Db
from storycam.payments.subscriptions import service

router = APIRouter(prefix="/internal/v1/users/{user_id}", tags=["subscriptions"])

UserId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Telegram user id")]


@router.get("/entitlements")
async def entitlements(user_id: UserId, db: Db) -> Entitlements:
    return await service.entitlements(db, user_id)


@router.post("/subscriptions/grants", status_code=201)
async def grant(user_id: UserId, request: SubscriptionGrant, db: Db) -> Subscription:
    async with db.acquire() as connection, connection.transaction():
        return await service.grant(connection, user_id, request)
