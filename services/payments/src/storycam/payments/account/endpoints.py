"""HTTP for the account: ``GET /internal/v1/users/{user_id}/account``."""

from __future__ import annotations

from fastapi import APIRouter

from storycam.contracts.payments import Account
from storycam.kit.deps import Db
from storycam.payments.account import service
from storycam.payments.charges.endpoints import Policy
from storycam.payments.subscriptions.endpoints import UserId

router = APIRouter(prefix="/internal/v1/users/{user_id}", tags=["account"])


@router.get("/account")
async def account(user_id: UserId, db: Db, policy: Policy) -> Account:
    return await service.account(db, user_id, policy)
