"""SQL for the credit ledger, and nothing else."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from storycam.kit.db import Connection, Executor
from storycam.payments.ledger.models import CreditBalance, CreditGrant, CreditHold, EntryKind, HoldState

_HOLD = """
    SELECT h.id, h.user_id, h.credits, h.idempotency_key, h.expires_at, h.created_at, c.kind AS closed_by
    FROM credit_entries h LEFT JOIN credit_entries c ON c.hold_id = h.id
    WHERE h.kind = 'hold' AND {where}
"""
_STATE_AFTER = {None: HoldState.HELD, "settle": HoldState.SETTLED, "release": HoldState.RELEASED}
_GRANT_COLUMNS = "id, user_id, credits, idempotency_key, purchase_id, reason, created_at"


def _hold(row: asyncpg.Record) -> CreditHold:
    values = dict(row)
    return CreditHold(**values, state=_STATE_AFTER[values.pop("closed_by")])


async def lock_balance(connection: Connection, user_id: int) -> CreditBalance:
    """The user's balance, locked until the transaction ends: every change of one user's credits passes here
    first, so they happen one after another and each sees the last one's result."""
    query = "SELECT user_id, available, held FROM credit_balances WHERE user_id = $1 FOR UPDATE"
    row = await connection.fetchrow(query, user_id)
    if row is None:
        await connection.execute("INSERT INTO credit_balances (user_id) VALUES ($1) ON CONFLICT DO NOTHING", user_id)
        row = await connection.fetchrow(query, user_id)
    assert row is not None
    return CreditBalance(**dict(row))


async def balance(db: Executor, user_id: int) -> CreditBalance:
    row = await db.fetchrow("SELECT user_id, available, held FROM credit_balances WHERE user_id = $1", user_id)
    return CreditBalance(**dict(row)) if row else CreditBalance(user_id=user_id, available=0, held=0)


async def change_balance(connection: Connection, user_id: int, *, available: int, held: int) -> None:
    await connection.execute(
        "UPDATE credit_balances SET available = available + $2, held = held + $3, updated_at = now() "
        "WHERE user_id = $1",
        user_id,
        available,
        held,
    )


async def grant_by_key(db: Executor, user_id: int, key: str) -> CreditGrant | None:
    row = await db.fetchrow(
        f"SELECT {_GRANT_COLUMNS} FROM credit_entries "  # noqa: S608 - constant column list
        "WHERE user_id = $1 AND kind = 'grant' AND idempotency_key = $2",
        user_id,
        key,
    )
    return CreditGrant(**dict(row)) if row else None


async def insert_grant(
    connection: Connection, user_id: int, credits: int, key: str, purchase_id: UUID | None, reason: str | None
) -> CreditGrant:
    row = await connection.fetchrow(
        f"""
        INSERT INTO credit_entries (user_id, kind, credits, idempotency_key, purchase_id, reason)
        VALUES ($1, 'grant', $2, $3, $4, $5)
        RETURNING {_GRANT_COLUMNS}
        """,  # noqa: S608 - constant column list
        user_id,
        credits,
        key,
        purchase_id,
        reason,
    )
    assert row is not None
    return CreditGrant(**dict(row))


async def hold_by_key(db: Executor, user_id: int, key: str) -> CreditHold | None:
    row = await db.fetchrow(_HOLD.format(where="h.user_id = $1 AND h.idempotency_key = $2"), user_id, key)
    return _hold(row) if row else None


async def hold_by_id(db: Executor, hold_id: int) -> CreditHold | None:
    row = await db.fetchrow(_HOLD.format(where="h.id = $1"), hold_id)
    return _hold(row) if row else None


async def insert_hold(connection: Connection, user_id: int, credits: int, key: str, expires_at: datetime) -> CreditHold:
    row = await connection.fetchrow(
        """
        WITH hold AS (
            INSERT INTO credit_entries (user_id, kind, credits, idempotency_key, expires_at)
            VALUES ($1, 'hold', $2, $3, $4)
            RETURNING id, user_id, credits, idempotency_key, expires_at, created_at
        ), opened AS (
            INSERT INTO credit_open_holds (hold_id, user_id, expires_at) SELECT id, user_id, expires_at FROM hold
        )
        SELECT *, NULL::text AS closed_by FROM hold
        """,
        user_id,
        credits,
        key,
        expires_at,
    )
    assert row is not None
    return _hold(row)


async def close_hold(connection: Connection, hold: CreditHold, kind: EntryKind) -> bool:
    """Append the entry that settles or releases ``hold``; False when it was already closed (nothing written)."""
    still_open = await connection.fetchval("DELETE FROM credit_open_holds WHERE hold_id = $1 RETURNING 1", hold.id)
    if still_open is None:
        return False
    await connection.execute(
        "INSERT INTO credit_entries (user_id, kind, credits, hold_id) VALUES ($1, $2, $3, $4)",
        hold.user_id,
        kind.value,
        hold.credits,
        hold.id,
    )
    return True


async def expired_holds(db: Executor, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(user id, hold id) of open holds past their expiry, in lock order (by user)."""
    rows = await db.fetch(
        "SELECT user_id, hold_id FROM credit_open_holds WHERE expires_at <= $1 ORDER BY user_id, hold_id LIMIT $2",
        now,
        limit,
    )
    return [(row["user_id"], row["hold_id"]) for row in rows]


async def erase_user(connection: Connection, user_id: int) -> tuple[int, int]:
    """``/delete_me``: delete the user's entries except grants a purchase paid for, which are accounting records
    and lose their Telegram id instead; (deleted, unlinked). Allowed by the append-only trigger only because this
    transaction names the user in ``payments.erasing_user`` (migration 0011)."""
    await connection.execute("SELECT set_config('payments.erasing_user', $1::bigint::text, true)", user_id)
    await connection.execute("DELETE FROM credit_open_holds WHERE user_id = $1", user_id)
    deleted: str = await connection.execute(
        "DELETE FROM credit_entries WHERE user_id = $1 AND purchase_id IS NULL", user_id
    )
    unlinked: str = await connection.execute("UPDATE credit_entries SET user_id = NULL WHERE user_id = $1", user_id)
    await connection.execute("DELETE FROM credit_balances WHERE user_id = $1", user_id)
    await connection.execute("SELECT set_config('payments.erasing_user', '', true)")
    return int(deleted.split()[-1]), int(unlinked.split()[-1])
