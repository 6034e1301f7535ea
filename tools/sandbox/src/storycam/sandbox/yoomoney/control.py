"""The emulated wallet's control API (``/sandbox/yoomoney/...``): pay a Quickpay form without a browser, see the
notifications sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from storycam.sandbox.telegram.refusals import Invalid, NotNow
from storycam.sandbox.yoomoney.quickpay import FormRefused, WalletDep, read_form

router = APIRouter(prefix="/sandbox/yoomoney", tags=["sandbox: yoomoney"])


class QuickpayBody(BaseModel):
    """The Quickpay form's fields, as the link's query string carries them."""

    fields: dict[str, str] = Field(description="receiver, quickpay-form, sum, label, paymentType, successURL, …")


class NotificationUrlBody(BaseModel):
    url: str | None = Field(default=None, pattern=r"^https?://")


@router.post("/payments")
async def pay(body: QuickpayBody, wallet: WalletDep) -> dict[str, Any]:
    """Pay a Quickpay form: the signed notification is sent; answers its delivery."""
    try:
        payment = read_form(body.fields, wallet)
    except FormRefused as refused:
        raise Invalid(refused.detail) from None
    delivery = wallet.pay(payment)
    if delivery is None:
        raise NotNow("The wallet has no notification URL; set one first.")
    return delivery.as_json()


@router.get("/deliveries")
async def deliveries(wallet: WalletDep) -> dict[str, Any]:
    return {
        "notification_url": wallet.notification_url,
        "deliveries": [delivery.as_json() for delivery in wallet.notifier.deliveries],
    }


@router.put("/notification-url")
async def set_notification_url(body: NotificationUrlBody, wallet: WalletDep) -> dict[str, Any]:
    wallet.notification_url = body.url
    return {"notification_url": wallet.notification_url}
