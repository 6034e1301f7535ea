"""Closing a purchase from YooKassa's own answer: the webhook, the reconciler and the operator's command share it.

A notification only says "look at payment X". The payment is re-read from YooKassa's API and only that answer
counts: its status, amount, currency and metadata must match what was sold (``purchases.matching``), or nothing is
granted and the mismatch is recorded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from storycam.kit.db import Connection
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.payments.catalogue.models import Catalogue
from storycam.payments.fulfilment.service import cancel_purchase, grant_purchase, record_mismatch, take_back
from storycam.payments.money import Currency
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.matching import Mismatch, yookassa_mismatch
from storycam.payments.purchases.models import Purchase
from storycam.payments.settings import Provider
from storycam.payments.yookassa.client import PURCHASE_ID_KEY, YooKassaClient
from storycam.payments.yookassa.models import PaymentStatus, YooKassaPayment, YooKassaRefund

log = get_logger(__name__)
_PROVIDER = Provider.YOOKASSA.value


class Outcome(StrEnum):
    GRANTED = "granted"
    CANCELED = "canceled"
    REFUNDED = "refunded"
    PENDING = "pending"  # YooKassa has no outcome yet
    UNCHANGED = "unchanged"  # already closed that way before
    MISMATCH = "mismatch"
    FAILED = "failed"  # YooKassa could not be asked (the reconciler tries again on its next pass)


async def _purchase_for(connection: Connection, payment_id: str, payment: YooKassaPayment | None) -> Purchase | None:
    """The purchase the payment is for, locked: by the metadata YooKassa returned, else by the payment id."""
    if payment is not None:
        try:
            purchase_id = UUID(payment.metadata.get(PURCHASE_ID_KEY, ""))
        except ValueError:
            purchase_id = None
        if purchase_id is not None:
            found = await purchases.lock(connection, purchase_id)
            if found is not None:
                return found
    known = await purchases.by_provider_payment(connection, Provider.YOOKASSA, payment_id)
    return await purchases.lock(connection, known.id) if known else None


def _facts(payment: YooKassaPayment | None) -> dict[str, Any]:
    if payment is None:
        return {}
    return {
        "status": payment.status,
        "paid": payment.paid,
        "amount": str(payment.amount.value),
        "currency": payment.amount.currency,
        "metadata": {k: v[:64] for k, v in list(payment.metadata.items())[:8]},
    }


async def settle_payment(
    work: UnitOfWork, client: YooKassaClient, catalogue: Catalogue, payment_id: str, *, record_pending: bool = True
) -> Outcome:
    """Grant, close or leave the purchase of YooKassa's payment ``payment_id`` as YooKassa's API says.

    ``record_pending`` false (the reconciler): a payment still pending is left as it is, not recorded."""
    payment = await client.get_payment(payment_id)
    return await settle_read_payment(work, catalogue, payment_id, payment, record_pending=record_pending)


async def settle_read_payment(
    work: UnitOfWork,
    catalogue: Catalogue,
    payment_id: str,
    payment: YooKassaPayment | None,
    *,
    record_pending: bool = True,
) -> Outcome:
    """:func:`settle_payment` with YooKassa's answer already read (``None``: YooKassa knows no such payment)."""
    connection = await work.connection()
    purchase = await _purchase_for(connection, payment_id, payment)
    if purchase is None or payment is None:
        await record_mismatch(
            connection,
            provider=_PROVIDER,
            reason=Mismatch.UNKNOWN_PAYMENT.value,
            provider_payment_id=payment_id,
            purchase_id=purchase.id if purchase else None,
            details=_facts(payment),
        )
        return Outcome.MISMATCH
    mismatch = yookassa_mismatch(purchase, payment)
    if mismatch is Mismatch.NOT_PAID:
        if payment.status == PaymentStatus.CANCELED:
            reason = payment.cancellation_details.reason if payment.cancellation_details else None
            closed = await cancel_purchase(work, purchase, reason)
            return Outcome.CANCELED if closed else Outcome.UNCHANGED
        if not record_pending:
            return Outcome.PENDING
    if mismatch is not None:
        await record_mismatch(
            connection,
            provider=_PROVIDER,
            reason=mismatch.value,
            provider_payment_id=payment_id,
            purchase_id=purchase.id,
            details=_facts(payment),
        )
        return Outcome.MISMATCH
    await purchases.attach_provider_payment(connection, purchase.id, payment.id)
    granted = await grant_purchase(work, purchase, catalogue)
    return Outcome.GRANTED if granted else Outcome.UNCHANGED


async def settle_refund(work: UnitOfWork, client: YooKassaClient, catalogue: Catalogue, refund_id: str) -> Outcome:
    """Take back what YooKassa's refund ``refund_id`` covers, as YooKassa's API describes the refund."""
    refund = await client.get_refund(refund_id)
    return await settle_read_refund(work, catalogue, refund_id, refund)


async def settle_read_refund(
    work: UnitOfWork, catalogue: Catalogue, refund_id: str, refund: YooKassaRefund | None
) -> Outcome:
    """:func:`settle_refund` with YooKassa's answer already read (``None``: YooKassa knows no such refund)."""
    connection = await work.connection()
    purchase = await purchases.by_provider_payment(connection, Provider.YOOKASSA, refund.payment_id) if refund else None
    details = {"refund_id": refund_id}
    if refund is None or purchase is None:
        reason = Mismatch.UNKNOWN_PAYMENT
    elif refund.status != "succeeded":
        reason = Mismatch.NOT_PAID
    elif refund.amount.currency != Currency.RUB.value:
        reason = Mismatch.CURRENCY
    elif refund.amount.value <= 0 or refund.amount.value > purchase.price.amount:
        reason = Mismatch.AMOUNT
    else:
        taken = await take_back(work, purchase, refund.amount.value, catalogue, refund_key=f"yookassa:{refund.id}")
        return Outcome.REFUNDED if taken else Outcome.UNCHANGED
    await record_mismatch(
        connection,
        provider=_PROVIDER,
        reason=f"refund_{reason.value}",
        provider_payment_id=refund.payment_id if refund else None,
        purchase_id=purchase.id if purchase else None,
        details=details,
    )
    return Outcome.MISMATCH
