"""SQL for charges, and for the subscription period an AI allowance comes from; nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from storycam.contracts.payments import Charge, ChargeKind, ChargeSource, ChargeState
from storycam.kit.db import Connection, Executor

_COLUMNS = "key, kind, source, credits, state, expires_at"


def _charge(row: asyncpg.Record) -> Charge:
    return Charge(**dict(row))


@dataclass(frozen=True)
class Period:
    """The premium period covering a moment, and the AI videos per 30 days its purchase granted."""

    subscription_id: int
    active_from: datetime
    ai_videos: int


async def by_key(db: Executor, user_id: int, key: str) -> Charge | None:
    row = await db.fetchrow(
        f"SELECT {_COLUMNS} FROM charges WHERE user_id = $1 AND key = $2",  # noqa: S608 - constant column list
        user_id,
        key,
    )
    return _charge(row) if row else None


async def uses(db: Executor, user_id: int, window: str) -> int:
    """Charges counting against an allowance window: held or settled (a released one gave its use back)."""
    value: int = await db.fetchval(
        "SELECT count(*) FROM charges WHERE user_id = $1 AND allowance_window = $2 AND state <> 'released'",
        user_id,
        window,
    )
    return value


async def insert(
    connection: Connection,
    *,
    user_id: int,
    key: str,
    kind: ChargeKind,
    source: ChargeSource,
    credits: int,
    window: str | None,
    expires_at: datetime,
) -> Charge:
    row = await connection.fetchrow(
        f"""
        INSERT INTO charges (user_id, key, kind, source, credits, allowance_window, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        user_id,
        key,
        kind,
        source,
        credits,
        window,
        expires_at,
    )
    assert row is not None
    return _charge(row)


async def close(connection: Connection, user_id: int, key: str, state: ChargeState) -> Charge:
    row = await connection.fetchrow(
        f"""
        UPDATE charges SET state = $3, closed_at = now()
        WHERE user_id = $1 AND key = $2 AND state = 'held'
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        user_id,
        key,
        state,
    )
    assert row is not None, "closed under the user's lock, after reading it held"
    return _charge(row)


async def expired(db: Executor, now: datetime, limit: int) -> list[tuple[int, str]]:
    """(user id, key) of held charges past their expiry, in lock order (by user)."""
    rows = await db.fetch(
        "SELECT user_id, key FROM charges WHERE state = 'held' AND expires_at <= $1 ORDER BY user_id, key LIMIT $2",
        now,
        limit,
    )
    return [(row["user_id"], row["key"]) for row in rows]


async def current_period(db: Executor, user_id: int, at: datetime) -> Period | None:
    """The premium period covering ``at``. A period support granted (no purchase), or whose purchase is no longer
    paid (refunded), includes no AI videos."""
    row = await db.fetchrow(
        """
        SELECT s.id, s.active_from,
               CASE WHEN p.status = 'succeeded'
                    THEN coalesce((p.grants ->> 'ai_videos_per_period')::int, 0) ELSE 0 END AS ai_videos
        FROM subscriptions s LEFT JOIN purchases p ON p.id = s.purchase_id
        WHERE s.user_id = $1 AND s.plan = 'premium' AND s.active_from <= $2 AND s.active_until > $2
        ORDER BY s.active_from DESC
        LIMIT 1
        """,
        user_id,
        at,
    )
    if row is None:
        return None
    return Period(subscription_id=row["id"], active_from=row["active_from"], ai_videos=row["ai_videos"])


async def delete_for_user(db: Executor, user_id: int) -> int:
    status: str = await db.execute("DELETE FROM charges WHERE user_id = $1", user_id)
    return int(status.split()[-1])
