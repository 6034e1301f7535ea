"""A look at the unit of work's inbox before any work: a notification journaled already is answered at once."""

from __future__ import annotations

from storycam.kit.db import Executor


async def journaled(db: Executor, key: str) -> bool:
    """Whether ``key`` was claimed by a committed unit of work (the claim itself still decides who acts)."""
    return bool(await db.fetchval("SELECT true FROM inbox WHERE key = $1", key))
