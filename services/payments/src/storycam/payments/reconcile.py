"""The reconciler: YooKassa payments left pending are re-read and closed from YooKassa's own answer.

A notification can be lost (our outage longer than YooKassa's retries, a network in between). Every
``RECONCILE_EVERY_SECONDS`` each replica re-reads the YooKassa payments opened more than
``RECONCILE_AFTER_SECONDS`` ago and still pending, and closes them through the webhook's own code, journaling the
webhook's inbox key, so a notification arriving later does nothing twice. Replicas may run it at once: each
purchase is closed under its row lock, from ``pending`` only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from storycam.kit.logging import get_logger
from storycam.kit.uow import Wakeable, unit_of_work
from storycam.payments.context import PaymentsContext
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import Purchase
from storycam.payments.settings import Provider
from storycam.payments.yookassa.models import PaymentStatus
from storycam.payments.yookassa.notification import inbox_key
from storycam.payments.yookassa.outcomes import Outcome, settle_read_payment

log = get_logger(__name__)


async def reconcile_purchase(
    db: asyncpg.Pool, relay: Wakeable | None, payments: PaymentsContext, purchase: Purchase
) -> Outcome:
    """Close one YooKassa purchase from YooKassa's answer; PENDING when YooKassa has no outcome yet."""
    if purchase.provider is not Provider.YOOKASSA or purchase.provider_payment_id is None:
        return Outcome.UNCHANGED
    assert payments.yookassa is not None, "a YooKassa purchase with YooKassa not configured"
    payment_id = purchase.provider_payment_id
    payment = await payments.yookassa.get_payment(payment_id)
    if payment is not None and payment.status not in {PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED}:
        return Outcome.PENDING
    async with unit_of_work(db, relay) as work:
        if payment is not None:
            # The webhook's key: a notification arriving after this finds it taken. Claimed before (by a
            # notification whose re-read was still pending), the purchase's own status keeps this from acting twice.
            await work.claim(inbox_key(f"payment.{payment.status}", payment_id))
        outcome = await settle_read_payment(work, payments.catalogue, payment_id, payment, record_pending=False)
    log.info("reconcile.purchase", purchase_id=str(purchase.id), outcome=outcome.value)
    return outcome


async def reconcile_pending(
    db: asyncpg.Pool, relay: Wakeable | None, payments: PaymentsContext, *, now: datetime | None = None
) -> dict[Outcome, int]:
    """One pass over the pending YooKassa purchases old enough; how many ended each way."""
    before = (now or datetime.now(UTC)) - timedelta(seconds=payments.settings.reconcile_after_seconds)
    counts: dict[Outcome, int] = {}
    for purchase in await purchases.pending_with_provider(db, Provider.YOOKASSA, before):
        try:
            outcome = await reconcile_purchase(db, relay, payments, purchase)
        except Exception as exc:  # one payment YooKassa cannot answer for holds up none of the others
            log.warning(
                "reconcile.purchase_failed", purchase_id=str(purchase.id), error=f"{type(exc).__name__}: {exc}"[:300]
            )
            outcome = Outcome.FAILED
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


async def reconcile_by_id(
    db: asyncpg.Pool, relay: Wakeable | None, payments: PaymentsContext, purchase_id: UUID
) -> Outcome | None:
    """The operator's ``reconcile <purchase_id>``; None when there is no such purchase."""
    purchase = await purchases.get(db, purchase_id)
    if purchase is None:
        return None
    return await reconcile_purchase(db, relay, payments, purchase)
