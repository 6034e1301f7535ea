"""/balance: what the payments service knows about the user's subscription and credits, or that it cannot tell."""

from __future__ import annotations

from uuid import uuid4

import pytest
from redis.asyncio import Redis

from tests.gateway.live import live_platform

pytestmark = pytest.mark.slow


async def test_balance_shows_what_payments_knows(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        [free] = await platform.answer(platform.alice, "/balance")
        assert "Subscription: none (free access)" in free["text"]
        assert "Kiss Cam credits: 0" in free["text"]

        granted = await platform.payments.post(
            f"/internal/v1/users/{platform.alice}/subscriptions/grants",
            json={"days": 30, "reason": "contest prize"},
            headers={"Idempotency-Key": str(uuid4())},
        )
        assert granted.status_code == 201
        [premium] = await platform.answer(platform.alice, "/balance")
        assert "Subscription: Premium until" in premium["text"]


async def test_balance_says_so_when_payments_is_down(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, payments_url="http://127.0.0.1:9") as platform:
        [reply] = await platform.answer(platform.masha, "/balance")
        assert reply["text"].startswith("Не получается узнать баланс прямо сейчас")
