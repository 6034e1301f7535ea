from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from tests.story.support import Payments, payments_running, story_running


@pytest.fixture
async def payments(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[Payments]:
    async with payments_running(database_url, redis_url) as running_payments:
        yield running_payments


@pytest.fixture
async def story(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    """The story service alone: no LLM key (free text goes to the local matcher), payments unreachable."""
    async with story_running(database_url, redis_url, None) as client:
        yield client


@pytest.fixture
async def paid_story(database_url: str, redis_url: str, payments: Payments) -> AsyncIterator[httpx.AsyncClient]:
    """The story service asking an in-process payments service about premium."""
    async with story_running(database_url, redis_url, payments) as client:
        yield client
