"""A pool on the payments schema for tests that call its services and repositories directly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from storycam.kit.db import create_pool


@pytest.fixture
async def payments_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    # Small: the machine's PostgreSQL is shared, and twenty connections are plenty to make calls race.
    pool = await create_pool(database_url, schema="payments", max_size=20)
    try:
        yield pool
    finally:
        await pool.close()
