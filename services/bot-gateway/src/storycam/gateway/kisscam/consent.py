"""SQL for the Kiss Cam consent on the users table, and the language to tell a user things in unprompted."""

from __future__ import annotations

from storycam.gateway.bot.texts import Language
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


async def language(db: Executor, telegram_id: int) -> Language:
    """For messages no update prompted (a job's progress): the user's language, English if they are gone."""
    found = await db.fetchval("SELECT language FROM users WHERE telegram_id = $1", telegram_id)
    return "ru" if found == "ru" else "en"
