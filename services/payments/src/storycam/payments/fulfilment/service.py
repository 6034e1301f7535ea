"""Granting a paid purchase, and taking back what a refund covers. Both run in the caller's unit of work.

A purchase is granted once: its status moves from ``pending`` to ``succeeded`` under the purchase's row lock, and
only the call that moved it grants. Premium starts where the user's last period ends (never overlapping, one user's
changes serialised by the same per-user lock support's grants take); credits go through the ledger under a key
derived from the purchase id. Each fact is published on ``payments.events`` with an ``event_id`` stable per fact.

A refund takes back what it covers: a full refund everything the purchase granted; a partial one the same share
of it, **rounded down, in the buyer's favour** (of 5 credits, a refund of half the price takes back 2; of 30 days,
a third of the price takes back 10 days less a fraction of a second at most). Successive partial refunds are
counted on the running total, so their rounding never adds up to more than a single refund of the sum would take.
Credits the user already spent cannot be taken: what is left is taken (the balance never goes below zero) and the
shortfall is recorded on the purchase. Premium time taken back shortens the purchase's own period, and the user's
later periods move earlier by as much, so premium stays one stretch.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from prometheus_client import Counter

from storycam.contracts.events import Streams
from storycam.contracts.payments import LocalizedText, PaymentCanceled, PaymentRefunded, PaymentSucceeded
from storycam.kit.db import Executor
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.payments.catalogue.models import Catalogue
from storycam.payments.fulfilment import repository
from storycam.payments.ledger import repository as ledger_repository
from storycam.payments.ledger import service as ledger
from storycam.payments.money import Money
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import Purchase, PurchaseStatus
from storycam.payments.subscriptions import repository as subscriptions

log = get_logger(__name__)

MISMATCHES = Counter(
    "storycam_payments_mismatches_total",
    "Provider payments that did not match what was sold (nothing granted)",
    ["provider", "reason"],
)
GRANTS = Counter("storycam_payments_granted_total", "Paid purchases granted", ["provider"])
REFUNDS = Counter("storycam_payments_refunds_total", "Refunds whose share was taken back", ["provider"])


def title_of(catalogue: Catalogue, product_id: str) -> LocalizedText:
    product = catalogue.product(product_id)
    if product is None:  # sold under an older catalogue
        return LocalizedText(ru=product_id, en=product_id)
    return LocalizedText(ru=product.title.ru, en=product.title.en)


async def grant_purchase(
    work: UnitOfWork, purchase: Purchase, catalogue: Catalogue, *, renewal: bool = False
) -> PaymentSucceeded | None:
    """Grant what ``purchase`` bought, once: None when it is not pending any more (granted or closed before)."""
    connection = await work.connection()
    moved = await purchases.move(
        connection, purchase.id, from_statuses={PurchaseStatus.PENDING}, to=PurchaseStatus.SUCCEEDED
    )
    if moved is None:
        return None
    grants = moved.grants
    premium_until: datetime | None = None
    if grants.premium_days:
        await subscriptions.lock_user(connection, moved.user_id)
        now = datetime.now(UTC)
        last_end = await subscriptions.latest_end(connection, moved.user_id, "premium")
        start = max(now, last_end) if last_end else now
        premium_until = await repository.insert_paid_period(
            connection,
            user_id=moved.user_id,
            source=moved.provider.value,
            active_from=start,
            active_until=start + timedelta(days=grants.premium_days),
            purchase_id=moved.id,
            product_id=moved.product_id,
        )
    if grants.ai_video_credits:
        await ledger.grant(
            connection,
            moved.user_id,
            grants.ai_video_credits,
            f"purchase:{moved.id}",
            purchase_id=moved.id,
            reason="purchase",
        )
    event = PaymentSucceeded(
        event_id=f"payment-succeeded:{moved.id}",
        user_id=moved.user_id,
        purchase_id=moved.id,
        product_id=moved.product_id,
        title=title_of(catalogue, moved.product_id),
        provider=moved.provider.value,
        amount=Decimal(moved.price.as_text()),
        currency=moved.price.currency.value,
        premium_until=premium_until,
        credits_added=grants.ai_video_credits,
        renewal=renewal,
        resume=moved.resume,
    )
    await work.publish(Streams.PAYMENTS_EVENTS, event)
    GRANTS.labels(moved.provider.value).inc()
    log.info("purchase.granted", purchase_id=str(moved.id), provider=moved.provider.value, renewal=renewal)
    return event


async def cancel_purchase(work: UnitOfWork, purchase: Purchase, reason: str | None) -> PaymentCanceled | None:
    """Close a purchase that was not paid; None when it is not pending any more."""
    connection = await work.connection()
    moved = await purchases.move(
        connection, purchase.id, from_statuses={PurchaseStatus.PENDING}, to=PurchaseStatus.CANCELED
    )
    if moved is None:
        return None
    event = PaymentCanceled(
        event_id=f"payment-canceled:{moved.id}",
        user_id=moved.user_id,
        purchase_id=moved.id,
        product_id=moved.product_id,
        provider=moved.provider.value,
        reason=reason,
    )
    await work.publish(Streams.PAYMENTS_EVENTS, event)
    log.info("purchase.canceled", purchase_id=str(moved.id), reason=reason)
    return event


def _share(whole: int, refunded: Decimal, price: Decimal) -> int:
    """``whole`` times the refunded share of the price, rounded down (in the buyer's favour)."""
    if refunded >= price:
        return whole
    return int((Decimal(whole) * refunded / price).to_integral_value(rounding=ROUND_FLOOR))


async def take_back(
    work: UnitOfWork, purchase: Purchase, refunded_amount: Decimal, catalogue: Catalogue, *, refund_key: str
) -> PaymentRefunded | None:
    """Take back what a refund of ``refunded_amount`` covers (see the module's docstring for the rounding).

    ``refund_key`` names the refund (YooKassa's refund id, a Stars charge id): the caller journals it once. None
    when the purchase was never granted or is refunded in full already (nothing to take)."""
    connection = await work.connection()
    current = await purchases.lock(connection, purchase.id)
    if current is None or current.status is not PurchaseStatus.SUCCEEDED:
        log.warning("refund.nothing_to_take", purchase_id=str(purchase.id), status=current and current.status.value)
        return None
    price = current.price.amount
    before = current.refunded_amount
    after = min(price, before + refunded_amount)
    if after <= before:
        return None
    grants = current.grants
    # The same lock order as a grant: the user's subscriptions, then their balance.
    if grants.premium_days:
        whole = int(timedelta(days=grants.premium_days).total_seconds())
        seconds = _share(whole, after, price) - _share(whole, before, price)
        await subscriptions.lock_user(connection, current.user_id)  # before reading the period: grants stack on it
        period = await repository.paid_period(connection, current.id)
        if period is not None and seconds:
            user_id, _start, ends = period
            await repository.cut_period(connection, current.id, user_id, ends, timedelta(seconds=seconds))
    credits_owed = _share(grants.ai_video_credits, after, price) - _share(grants.ai_video_credits, before, price)
    credits_taken = 0
    if credits_owed:
        balance = await ledger_repository.lock_balance(connection, current.user_id)
        credits_taken = min(credits_owed, balance.available)
        if credits_taken and await repository.insert_take_back(
            connection, current.user_id, credits_taken, f"refund:{refund_key}", current.id
        ):
            await ledger_repository.change_balance(connection, current.user_id, available=-credits_taken, held=0)
    shortfall = credits_owed - credits_taken
    updated = await purchases.record_refund(
        connection, current.id, refunded=after - before, credits_taken=credits_taken, credits_short=shortfall
    )
    if shortfall:
        log.warning("refund.credits_already_spent", purchase_id=str(current.id), shortfall=shortfall)
    premium_until = await subscriptions.active_until(connection, current.user_id, "premium", datetime.now(UTC))
    event = PaymentRefunded(
        event_id=f"payment-refunded:{current.id}:{refund_key}",
        user_id=current.user_id,
        purchase_id=current.id,
        product_id=current.product_id,
        title=title_of(catalogue, current.product_id),
        provider=current.provider.value,
        amount=Decimal(Money(amount=after - before, currency=current.price.currency).as_text()),
        currency=current.price.currency.value,
        credits_taken=credits_taken,
        premium_until=premium_until,
    )
    await work.publish(Streams.PAYMENTS_EVENTS, event)
    REFUNDS.labels(current.provider.value).inc()
    log.info(
        "purchase.refunded",
        purchase_id=str(current.id),
        refunded=str(after - before),
        in_full=updated.status is PurchaseStatus.REFUNDED,
        credits_taken=credits_taken,
    )
    return event


async def record_mismatch(
    db: Executor,
    *,
    provider: str,
    reason: str,
    provider_payment_id: str | None = None,
    purchase_id: Any = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Nothing is granted for what a provider said; it is kept for a person to look at, logged and counted."""
    await repository.insert_mismatch(
        db,
        provider=provider,
        provider_payment_id=provider_payment_id,
        purchase_id=purchase_id,
        reason=reason,
        details=details or {},
    )
    MISMATCHES.labels(provider, reason).inc()
    log.warning(
        "payment.mismatch",
        provider=provider,
        reason=reason,
        provider_payment_id=provider_payment_id,
        purchase_id=str(purchase_id) if purchase_id else None,
    )
