"""HTTP for Stars, called by the gateway: pre-checkout, payments, refunds."""

from __future__ import annotations

from fastapi import APIRouter

from storycam.contracts.payments import PaymentOutcome, PreCheckoutRequest, PreCheckoutVerdict, StarsPayment
from storycam.contracts.telegram import StarsRefundDone
from storycam.kit.deps import Db, Work
from storycam.payments.context import Payments
from storycam.payments.stars import service

router = APIRouter(prefix="/internal/v1/stars", tags=["stars"])


@router.post("/pre-checkout")
async def pre_checkout(request: PreCheckoutRequest, db: Db) -> PreCheckoutVerdict:
    return await service.pre_checkout(db, request)


@router.post("/payments")
async def payment(request: StarsPayment, work: Work, payments: Payments) -> PaymentOutcome:
    return await service.record_payment(work, payments.catalogue, request)


@router.post("/refunds")
async def refund(request: StarsRefundDone, work: Work, payments: Payments) -> PaymentOutcome:
    return await service.record_refund(work, payments.catalogue, request)
