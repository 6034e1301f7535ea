"""HTTP for charges: what Kiss Cam asks before a job (a quote), and the charge it holds, settles or releases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from storycam.contracts.payments import Charge, ChargeKind, ChargeRequest, Quote
from storycam.kit.deps import Db, Work
from storycam.payments.charges import service
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.subscriptions.endpoints import UserId

router = APIRouter(prefix="/internal/v1/users/{user_id}", tags=["charges"])


async def _policy(request: Request) -> ChargePolicy:
    policy: ChargePolicy = request.app.state.charge_policy
    return policy


Policy = Annotated[ChargePolicy, Depends(_policy)]
ChargeKey = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]


@router.get("/quotes/{kind}")
async def quote(user_id: UserId, kind: ChargeKind, db: Db, policy: Policy) -> Quote:
    return await service.quote(db, user_id, kind, policy)


@router.post(
    "/charges",
    status_code=201,
    responses={
        200: {"model": Charge, "description": "A charge was already made under this key"},
        402: {"description": "Nothing can pay: no allowance left and not enough credits"},
    },
)
async def charge(user_id: UserId, request: ChargeRequest, work: Work, policy: Policy, response: Response) -> Charge:
    made, created = await service.charge(await work.connection(), user_id, request, policy)
    if not created:
        response.status_code = 200
    return made


@router.post("/charges/{key}/settle")
async def settle(user_id: UserId, key: ChargeKey, work: Work) -> Charge:
    return await service.settle(await work.connection(), user_id, key)


@router.post("/charges/{key}/release")
async def release(user_id: UserId, key: ChargeKey, work: Work) -> Charge:
    return await service.release(await work.connection(), user_id, key)
