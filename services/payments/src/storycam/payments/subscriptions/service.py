"""Rules: a user has premium while a subscription covers now; a new period starts where the last one ends."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from storycam.contracts.entitlements import Entitlements, Subscription, SubscriptionGrant
from storycam.kit.db import Executor
from storycam.kit.errors import Conflict
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.payments.ledger import service as ledger
from storycam.payments.subscriptions import repository

log = get_logger(__name__)


async def entitlements(db: Executor, user_id: int, *, now: datetime | None = None) -> Entitlements:
    until = await repository.active_until(db, user_id, "premium", now or datetime.now(UTC))
    # The credits a user can spend now; those held by running jobs are not theirs to spend twice.
    credits = (await ledger.balance(db, user_id)).available
    return Entitlements(user_id=user_id, premium=until is not None, premium_until=until, credits=credits)


class GrantKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different grant to this user."


async def grant(
    work: UnitOfWork, user_id: int, request: SubscriptionGrant, idempotency_key: str
) -> tuple[Subscription, bool]:
    """Support gives premium for ``days``: appended after any time the user already has, never overlapping it.

    Made once per ``idempotency_key``: the same request again (a retry after a timeout, a replay) gets the grant
    already made, and False for "not created now"; another request under a used key is refused.
    """
    # One grant at a time per user, so two concurrent grants stack instead of starting at the same moment, and a
    # retry racing its original finds it.
    connection = await work.connection()
    await repository.lock_user(connection, user_id)
    fingerprint = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
    earlier = await repository.by_idempotency_key(connection, user_id, idempotency_key)
    if earlier is not None:
        made, made_for = earlier
        if made_for != fingerprint:
            raise GrantKeyReused()
        return made, False
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
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    log.info("subscription.granted", subscription_id=subscription.id, days=request.days, plan=request.plan)
    return subscription, True


async def erase(work: UnitOfWork, user_id: int) -> int:
    """What ``/delete_me`` removes here: support's grants. Paid subscriptions stay, as accounting law requires."""
    return await repository.delete_grants(await work.connection(), user_id)
