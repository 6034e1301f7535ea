"""Acting on a verified YooMoney notification: its label names our purchase, its sum must be the price."""

from __future__ import annotations

from uuid import UUID

from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.payments.catalogue.models import Catalogue
from storycam.payments.fulfilment.service import grant_purchase, record_mismatch
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.matching import Mismatch, yoomoney_mismatch
from storycam.payments.sealing import Sealer
from storycam.payments.yookassa.outcomes import Outcome
from storycam.payments.yoomoney.notification import YooMoneyNotification

log = get_logger(__name__)
_PROVIDER = "yoomoney"


def inbox_key(notification: YooMoneyNotification) -> str:
    """Once per operation; a notification of money still held (``unaccepted``) under a key of its own, so the one
    saying it arrived is not taken for a repeat."""
    suffix = ":unaccepted" if notification.unaccepted else ""
    return f"yoomoney:{notification.operation_id}{suffix}"


async def settle_yoomoney(
    work: UnitOfWork, catalogue: Catalogue, sealer: Sealer, notification: YooMoneyNotification
) -> Outcome:
    connection = await work.connection()
    try:
        purchase_id: UUID | None = UUID(notification.label)
    except ValueError:
        purchase_id = None
    purchase = await purchases.lock(connection, purchase_id) if purchase_id else None
    facts = {
        "amount": str(notification.amount),
        "withdraw_amount": str(notification.withdraw_amount) if notification.withdraw_amount is not None else None,
        "unaccepted": notification.unaccepted,
        "codepro": notification.codepro,
    }
    mismatch = Mismatch.UNKNOWN_PAYMENT if purchase is None else yoomoney_mismatch(purchase, notification)
    if purchase is not None and mismatch is None and notification.codepro:
        mismatch = Mismatch.NOT_PAID  # protected by a code the payer has not given the receiver: not ours yet
    if mismatch is not None:
        await record_mismatch(
            connection,
            provider=_PROVIDER,
            reason=mismatch.value,
            provider_payment_id=notification.operation_id,
            purchase_id=purchase.id if purchase else None,
            details=facts,
        )
        return Outcome.MISMATCH
    assert purchase is not None
    if await purchases.attach_provider_payment(connection, purchase.id, notification.operation_id) is None:
        await record_mismatch(
            connection,
            provider=_PROVIDER,
            reason=Mismatch.PAYMENT_ID.value,
            provider_payment_id=notification.operation_id,
            purchase_id=purchase.id,
            details=facts,
        )
        return Outcome.MISMATCH
    if notification.sender:
        await purchases.set_personal(connection, purchase.id, sealer.seal({"yoomoney_sender": notification.sender}))
    granted = await grant_purchase(work, purchase, catalogue)
    return Outcome.GRANTED if granted else Outcome.UNCHANGED
