"""SQL for the users table, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storycam.kit.db import Executor


@dataclass(frozen=True)
class User:
    telegram_id: int
    language: str
    language_chosen: bool
    unreachable_since: datetime | None
    created_at: datetime


_COLUMNS = "telegram_id, language, language_chosen, unreachable_since, created_at"


async def upsert_seen(db: Executor, telegram_id: int, telegram_language: str) -> User:
    """Create the user on first contact; otherwise mark them seen (and reachable: they just wrote to us)."""
    row = await db.fetchrow(
        f"""
        INSERT INTO users (telegram_id, language) VALUES ($1, $2)
        ON CONFLICT (telegram_id) DO UPDATE
            SET last_seen_at = now(), unreachable_since = NULL, unreachable_reason = NULL,
                language = CASE WHEN users.language_chosen THEN users.language ELSE EXCLUDED.language END
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        telegram_id,
        telegram_language,
    )
    assert row is not None
    return User(**dict(row))


async def chosen_language(db: Executor, telegram_id: int) -> str | None:
    """The language the user picked with /language, if they did."""
    language: str | None = await db.fetchval(
        "SELECT language FROM users WHERE telegram_id = $1 AND language_chosen", telegram_id
    )
    return language


async def language(db: Executor, telegram_id: int) -> str | None:
    """The language the user is spoken to in (chosen, or their Telegram's); None for a user we do not know."""
    found: str | None = await db.fetchval("SELECT language FROM users WHERE telegram_id = $1", telegram_id)
    return found


async def choose_language(db: Executor, telegram_id: int, language: str) -> None:
    await db.execute(
        "UPDATE users SET language = $2, language_chosen = true WHERE telegram_id = $1", telegram_id, language
    )


async def mark_unreachable(db: Executor, telegram_id: int, reason: str) -> None:
    await db.execute(
        "UPDATE users SET unreachable_since = coalesce(unreachable_since, now()), unreachable_reason = $2 "
        "WHERE telegram_id = $1",
        telegram_id,
        reason,
    )


async def delete(db: Executor, telegram_id: int) -> bool:
    status: str = await db.execute("DELETE FROM users WHERE telegram_id = $1", telegram_id)
    return status.endswith(" 1")
