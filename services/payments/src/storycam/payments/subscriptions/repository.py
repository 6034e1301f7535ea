"""SQL for the subscriptions table, and nothing else."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storycam.contracts.entitlements import Subscription
from storycam.kit.db import Connection, Executor

_COLUMNS = "id, user_id, plan, source, active_from, active_until, reason, created_at"


def _subscription(row: asyncpg.Record) -> Subscription:
    return Subscription(**dict(row))


async def lock_user(connection: Connection, user_id: int) -> None:
    """Serialise the user's subscription changes until the transaction ends (an advisory lock per user)."""
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext('subscriptions:' || $1::bigint))", user_id)


async def latest_end(db: Executor, user_id: int, plan: str) -> datetime | None:
    """When the user's last subscription of ``plan`` ends (in the past or the future), or None."""
    value: datetime | None = await db.fetchval(
        "SELECT max(active_until) FROM subscriptions WHERE user_id = $1 AND plan = $2", user_id, plan
    )
    return value


async def active_until(db: Executor, user_id: int, plan: str, at: datetime) -> datetime | None:
    """The end of the subscription covering ``at``, or None when none does."""
    value: datetime | None = await db.fetchval(
        "SELECT max(active_until) FROM subscriptions "
        "WHERE user_id = $1 AND plan = $2 AND active_from <= $3 AND active_until > $3",
        user_id,
        plan,
        at,
    )
    return value


async def by_idempotency_key(db: Executor, user_id: int, key: str) -> tuple[Subscription, str] | None:
    """The subscription made for the user under ``key``, and the fingerprint of the request that made it."""
    row = await db.fetchrow(
        f"""
        SELECT {_COLUMNS}, request_fingerprint FROM subscriptions WHERE user_id = $1 AND idempotency_key = $2
        """,  # noqa: S608 - constant column list
        user_id,
        key,
    )
    if row is None:
        return None
    values = dict(row)
    fingerprint: str = values.pop("request_fingerprint")
    return Subscription(**values), fingerprint


async def insert(
    db: Executor,
    *,
    user_id: int,
    plan: str,
    source: str,
    active_from: datetime,
    active_until: datetime,
    reason: str | None,
    idempotency_key: str | None = None,
    request_fingerprint: str | None = None,
) -> Subscription:
    row = await db.fetchrow(
        f"""
        INSERT INTO subscriptions
            (user_id, plan, source, active_from, active_until, reason, idempotency_key, request_fingerprint)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        user_id,
        plan,
        source,
        active_from,
        active_until,
        reason,
        idempotency_key,
        request_fingerprint,
    )
    assert row is not None
    return _subscription(row)


async def delete_grants(db: Executor, user_id: int) -> int:
    """Support's grants are the user's data, not accounting records: they go when the user asks."""
    status: str = await db.execute("DELETE FROM subscriptions WHERE user_id = $1 AND source = 'grant'", user_id)
    return int(status.split()[-1])
