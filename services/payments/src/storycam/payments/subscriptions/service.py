"""Rules: a user has premium while a subscription covers now; a new period starts where the last one ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storycam.contracts.entitlements import Entitlements, Subscription, SubscriptionGrant
from storycam.kit.db import Connection, Executor
from storycam.kit.logging import get_logger
from storycam.payments.subscriptions import repository

log = get_logger(__name__)


async def entitlements(db: Executor, user_id: int, *, now: datetime | None = None) -> Entitlements:
    until = await repository.active_until(db, user_id, "premium", now or datetime.now(UTC))
    # Credits arrive with the credit ledger; until then nobody has any.
    return Entitlements(user_id=user_id, premium=until is not None, premium_until=until, credits=0)


async def grant(connection: Connection, user_id: int, request: SubscriptionGrant) -> Subscription:
    """Support gives premium for ``days``: appended after any time the user already has, never overlapping it."""
    # One grant at a time per user, so two concurrent grants stack instead of starting at the same moment.
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext('subscriptions:' || $1::bigint))", user_id)
    now = datetime.now(UTC)
    last_end = await repository.latest_end(connection, user_id, request.plan)
    start = max(now, last_end) if last_end else now
    subscription = await repository.insert(
        connection,
        user_id=user_id,
        plan=request.plan,
        source="grant",
        active_from=start,
        active_until=start + timedelta(days=request.days),
        reason=request.reason,
    )
    log.info("subscription.granted", subscription_id=subscription.id, days=request.days, plan=request.plan)
    return subscription
