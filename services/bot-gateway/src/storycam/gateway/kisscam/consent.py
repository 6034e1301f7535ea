"""SQL for the Kiss Cam consent on the users table."""

from __future__ import annotations

from storycam.kit.db import Executor


async def given(db: Executor, telegram_id: int) -> bool:
    found = await db.fetchval("SELECT kisscam_consent_at IS NOT NULL FROM users WHERE telegram_id = $1", telegram_id)
    return bool(found)


async def give(db: Executor, telegram_id: int) -> None:
    """Kept once: the first confirmation's time stays."""
    await db.execute(
        "UPDATE users SET kisscam_consent_at = coalesce(kisscam_consent_at, now()) WHERE telegram_id = $1",
        telegram_id,
    )
