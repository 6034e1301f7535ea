"""SQL the lifecycle job reads: whose premium ends in a window, and with which product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storycam.kit.db import Executor


@dataclass(frozen=True)
class Ending:
    subscription_id: int  # the last period's row: a new payment makes a new one, with reminders of its own
    user_id: int
    ends_at: datetime  # the end of the user's last premium period (a new period starts where the last ends)
    product_id: str | None  # the product of that last period; None for support's grants
    # A refund ended it: the refund's own news said premium is gone, so the end is not announced again.
    ended_by_refund: bool = False


async def premium_end(db: Executor, user_id: int) -> datetime | None:
    value: datetime | None = await db.fetchval(
        "SELECT max(active_until) FROM subscriptions WHERE user_id = $1 AND plan = 'premium'", user_id
    )
    return value


async def endings(db: Executor, after: datetime, until: datetime) -> list[Ending]:
    """Users whose premium (their last period) ends in (after, until], soonest first."""
    rows = await db.fetch(
        """
        SELECT last.id, last.user_id, last.ends_at, last.product_id,
               coalesce(p.refunded_amount > 0 AND p.updated_at >= last.ends_at, false) AS ended_by_refund
        FROM (
            SELECT DISTINCT ON (s.user_id) s.id, s.user_id, s.active_until AS ends_at, s.product_id, s.purchase_id
            FROM subscriptions s
            WHERE s.plan = 'premium' AND s.user_id IS NOT NULL AND s.user_id IN (
                SELECT user_id FROM subscriptions WHERE plan = 'premium' AND active_until > $1 AND active_until <= $2
            )
            ORDER BY s.user_id, s.active_until DESC
        ) last
        LEFT JOIN purchases p ON p.id = last.purchase_id
        WHERE last.ends_at > $1 AND last.ends_at <= $2
        ORDER BY last.ends_at
        """,
        after,
        until,
    )
    return [
        Ending(
            subscription_id=r["id"],
            user_id=r["user_id"],
            ends_at=r["ends_at"],
            product_id=r["product_id"],
            ended_by_refund=r["ended_by_refund"],
        )
        for r in rows
    ]
