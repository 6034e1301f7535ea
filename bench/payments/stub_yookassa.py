"""A YooKassa that answers at once, for the notifications benchmark: every payment it is asked about succeeded.

A payment id here is ``<purchase id>-<user id>``, so the stub knows the metadata to answer without any state.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PRICE = "290.00"


async def payment(request: Request) -> JSONResponse:
    payment_id = request.path_params["payment_id"]
    purchase_id, _, user_id = payment_id.rpartition("-")
    return JSONResponse(
        {
            "id": payment_id,
            "status": "succeeded",
            "paid": True,
            "amount": {"value": PRICE, "currency": "RUB"},
            "created_at": "2026-11-30T17:00:00.000Z",
            "metadata": {"purchase_id": purchase_id, "user_id": user_id},
            "test": True,
        }
    )


app = Starlette(routes=[Route("/v3/payments/{payment_id}", payment)])
