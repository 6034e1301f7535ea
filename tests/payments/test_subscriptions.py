"""Subscriptions in the payments service: entitlements for the other services, and support's grants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from tests.story.support import new_user
from tests.support.services import BY_NAME, build, running


@pytest.fixture
async def payments(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with running(build(BY_NAME["payments"], database_url, redis_url)) as client:
        yield client


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_nobody_has_premium_until_granted(payments: httpx.AsyncClient) -> None:
    user = new_user()
    response = await payments.get(f"/internal/v1/users/{user}/entitlements")
    assert response.status_code == 200
    assert response.json() == {"user_id": user, "premium": False, "premium_until": None, "credits": 0}


async def test_a_grant_gives_premium_and_a_second_one_extends_it(
    payments: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    user = new_user()
    first = await payments.post(
        f"/internal/v1/users/{user}/subscriptions/grants", json={"days": 30, "reason": "apology for an outage"}
    )
    assert first.status_code == 201
    granted = first.json()
    assert (granted["plan"], granted["source"], granted["reason"]) == ("premium", "grant", "apology for an outage")
    until = _at(granted["active_until"])
    assert abs(until - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)

    entitlements = (await payments.get(f"/internal/v1/users/{user}/entitlements")).json()
    assert entitlements["premium"] is True
    assert _at(entitlements["premium_until"]) == until

    second = (
        await payments.post(f"/internal/v1/users/{user}/subscriptions/grants", json={"days": 7, "reason": "bonus"})
    ).json()
    assert _at(second["active_from"]) == until, "a new period starts where the last one ends"
    assert _at(second["active_until"]) == until + timedelta(days=7)
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 2


async def test_an_expired_subscription_is_not_premium(payments: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    user = new_user()
    await db.execute(
        "INSERT INTO payments.subscriptions (user_id, plan, source, active_from, active_until) "
        "VALUES ($1, 'premium', 'stars', now() - interval '40 days', now() - interval '10 days')",
        user,
    )
    assert (await payments.get(f"/internal/v1/users/{user}/entitlements")).json()["premium"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"days": 0, "reason": "zero"},
        {"days": 5000, "reason": "forever"},
        {"days": 3},
        {"days": 3, "reason": "x"},
        {"days": 3, "reason": "ok!", "plan": "gold"},
    ],
    ids=["zero-days", "too-long", "no-reason", "short-reason", "unknown-plan"],
)
async def test_a_bad_grant_is_refused_and_nothing_is_stored(
    payments: httpx.AsyncClient, db: asyncpg.Connection, body: dict[str, object]
) -> None:
    user = new_user()
    response = await payments.post(f"/internal/v1/users/{user}/subscriptions/grants", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 0
    assert (await payments.get("/internal/v1/users/0/entitlements")).status_code == 422
