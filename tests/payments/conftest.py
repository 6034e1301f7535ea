"""A pool on the payments schema for tests that call its services and repositories directly, and the service with
its providers configured (``service``: tests.payments.support)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.kit.db import create_pool
from tests.payments.support import Service, payments_service


@pytest.fixture
async def payments_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    # Small: the machine's PostgreSQL is shared, and twenty connections are plenty to make calls race.
    pool = await create_pool(database_url, schema="payments", max_size=20)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def service(
    database_url: str, redis_url: str, payments_pool: asyncpg.Pool, redis: Redis
) -> AsyncIterator[Service]:
    """The payments service with YooKassa (respx), YooMoney and Stars offered."""
    async with payments_service(database_url, redis_url, payments_pool, redis) as made:
        yield made
