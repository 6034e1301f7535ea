"""SQL for what purchases grant and refunds take back: paid periods, take-back entries, renewals, mismatches."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from storycam.kit.db import Connection, Executor


async def insert_paid_period(
    connection: Connection,
    *,
    user_id: int,
    source: str,
    active_from: datetime,
    active_until: datetime,
    purchase_id: UUID,
    product_id: str,
) -> datetime:
    """A premium period paid by ``purchase_id`` (one per purchase: a repeat inserts nothing); its end."""
    until: datetime | None = await connection.fetchval(
        """
        INSERT INTO subscriptions (user_id, plan, source, active_from, active_until, purchase_id, product_id)
        VALUES ($1, 'premium', $2, $3, $4, $5, $6)
        ON CONFLICT (purchase_id) WHERE purchase_id IS NOT NULL DO NOTHING
        RETURNING active_until
        """,
        user_id,
        source,
        active_from,
        active_until,
        purchase_id,
        product_id,
    )
    if until is None:
        until = await connection.fetchval("SELECT active_until FROM subscriptions WHERE purchase_id = $1", purchase_id)
    assert until is not None
    return until


async def paid_period(db: Executor, purchase_id: UUID) -> tuple[int, datetime, datetime] | None:
    """(user, start, end) of the period ``purchase_id`` paid for."""
    row = await db.fetchrow(
        "SELECT user_id, active_from, active_until FROM subscriptions WHERE purchase_id = $1", purchase_id
    )
    return (row["user_id"], row["active_from"], row["active_until"]) if row else None


async def cut_period(connection: Connection, purchase_id: UUID, user_id: int, ends: datetime, by: timedelta) -> None:
    """Shorten the period paid by ``purchase_id`` by ``by`` (never below its start), and move the user's later
    periods earlier by as much, so premium stays one stretch instead of gaining a hole."""
    await connection.execute(
        "UPDATE subscriptions SET active_until = greatest(active_from, active_until - $2::interval) "
        "WHERE purchase_id = $1",
        purchase_id,
        by,
    )
    await connection.execute(
        "UPDATE subscriptions SET active_from = active_from - $3::interval, active_until = active_until - $3::interval "
        "WHERE user_id = $1 AND plan = 'premium' AND active_from >= $2 AND (purchase_id IS NULL OR purchase_id <> $4)",
        user_id,
        ends,
        by,
        purchase_id,
    )


async def insert_take_back(connection: Connection, user_id: int, credits: int, key: str, purchase_id: UUID) -> bool:
    """Append the entry that takes ``credits`` back for a refund; False when ``key`` was taken back before."""
    made = await connection.fetchval(
        """
        INSERT INTO credit_entries (user_id, kind, credits, idempotency_key, purchase_id, reason)
        VALUES ($1, 'take_back', $2, $3, $4, 'refund')
        ON CONFLICT (user_id, kind, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING true
        """,
        user_id,
        credits,
        key,
        purchase_id,
    )
    return bool(made)


async def insert_mismatch(
    db: Executor,
    *,
    provider: str,
    provider_payment_id: str | None,
    purchase_id: UUID | None,
    reason: str,
    details: dict[str, Any],
) -> None:
    await db.execute(
        "INSERT INTO payment_mismatches (provider, provider_payment_id, purchase_id, reason, details) "
        "VALUES ($1, $2, $3, $4, $5)",
        provider,
        provider_payment_id,
        purchase_id,
        reason,
        details,
    )


async def upsert_renewal(
    db: Executor, *, user_id: int, product_id: str, charge_id: str, renews_at: datetime | None
) -> None:
    """The user's Stars subscription Telegram renews: the latest charge (what ``editUserStarSubscription`` names)."""
    await db.execute(
        """
        INSERT INTO renewals (user_id, provider, product_id, telegram_payment_charge_id, renews_at)
        VALUES ($1, 'stars', $2, $3, $4)
        ON CONFLICT (user_id) DO UPDATE SET product_id = excluded.product_id,
            telegram_payment_charge_id = excluded.telegram_payment_charge_id, renews_at = excluded.renews_at,
            updated_at = now()
        """,
        user_id,
        product_id,
        charge_id,
        renews_at,
    )


async def set_auto_renew(db: Executor, user_id: int, auto_renew: bool) -> bool:
    """False when the user has no renewing subscription."""
    done = await db.fetchval(
        "UPDATE renewals SET auto_renew = $2, updated_at = now() WHERE user_id = $1 RETURNING true", user_id, auto_renew
    )
    return bool(done)


async def delete_renewal(db: Executor, user_id: int) -> int:
    status: str = await db.execute("DELETE FROM renewals WHERE user_id = $1", user_id)
    return int(status.split()[-1])


async def unlink_paid_periods(db: Executor, user_id: int, surrogate: int) -> int:
    status: str = await db.execute(
        "UPDATE subscriptions SET user_id = $2 WHERE user_id = $1 AND purchase_id IS NOT NULL", user_id, surrogate
    )
    return int(status.split()[-1])
