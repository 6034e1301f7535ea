"""Charges and the account over HTTP, as Kiss Cam and the gateway call them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.payments.ledger import service as ledger
from tests.payments.charging import fund, paid_period
from tests.story.support import new_user
from tests.support.services import BY_NAME, build, running

# The periodic jobs are off here: the tests below call what they test directly.
SETTINGS = {
    "kisscam_classic_per_day": 2,
    "kisscam_classic_credits": 1,
    "kisscam_ai_credits": 3,
    "charge_sweep_interval_seconds": 0,
    "subscription_check_interval_seconds": 0,
}


@pytest.fixture
async def payments(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with running(build(BY_NAME["payments"], database_url, redis_url, **SETTINGS)) as client:
        yield client


@pytest.fixture
async def paid_only(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    """No daily allowance: every classic clip costs a credit."""
    overrides = {**SETTINGS, "kisscam_classic_per_day": 0}
    async with running(build(BY_NAME["payments"], database_url, redis_url, **overrides)) as client:
        yield client


def _charges(user: int) -> str:
    return f"/internal/v1/users/{user}/charges"


async def test_100_concurrent_charges_against_10_credits_succeed_exactly_10_times(
    paid_only: httpx.AsyncClient, payments_pool: asyncpg.Pool
) -> None:
    user = new_user()
    await fund(payments_pool, user, 10)

    async def one(n: int) -> int:
        answer = await paid_only.post(_charges(user), json={"key": f"job-{n}", "kind": "kisscam.classic"})
        if answer.status_code == 402:
            assert answer.json()["error"] == "insufficient_credits"
        return answer.status_code

    statuses = await asyncio.gather(*(one(n) for n in range(100)))
    assert statuses.count(201) == 10
    assert statuses.count(402) == 90
    balance = await payments_pool.fetchrow("SELECT available, held FROM credit_balances WHERE user_id = $1", user)
    assert (balance["available"], balance["held"]) == (0, 10)
    assert await payments_pool.fetchval("SELECT count(*) FROM charges WHERE user_id = $1", user) == 10


async def test_a_charge_is_made_once_per_key_and_closes_one_way(
    payments: httpx.AsyncClient, payments_pool: asyncpg.Pool
) -> None:
    user = new_user()
    await fund(payments_pool, user, 5)
    body = {"key": "kisscam:job-1", "kind": "kisscam.ai"}
    made = await payments.post(_charges(user), json=body)
    assert made.status_code == 201
    charge = made.json()
    assert (charge["source"], charge["credits"], charge["state"]) == ("ai_trial", 0, "held")
    again = await payments.post(_charges(user), json=body)
    assert (again.status_code, again.json()) == (200, charge)

    paid = (await payments.post(_charges(user), json={"key": "kisscam:job-2", "kind": "kisscam.ai"})).json()
    assert (paid["source"], paid["credits"]) == ("credits", 3)
    other_kind = await payments.post(_charges(user), json={"key": "kisscam:job-2", "kind": "kisscam.classic"})
    assert (other_kind.status_code, other_kind.json()["error"]) == (409, "idempotency_key_reused")

    for _ in range(2):
        settled = await payments.post(f"{_charges(user)}/kisscam:job-2/settle")
        assert (settled.status_code, settled.json()["state"]) == (200, "settled")
    refused = await payments.post(f"{_charges(user)}/kisscam:job-2/release")
    assert (refused.status_code, refused.json()["error"]) == (409, "charge_already_closed")
    for _ in range(2):
        released = await payments.post(f"{_charges(user)}/kisscam:job-1/release")
        assert (released.status_code, released.json()["state"]) == (200, "released")
    assert (await payments.post(f"{_charges(user)}/kisscam:job-1/settle")).status_code == 409
    # The retried charge of a closed key answers it as it is now, and holds nothing more.
    retried = await payments.post(_charges(user), json={"key": "kisscam:job-2", "kind": "kisscam.ai"})
    assert (retried.status_code, retried.json()["state"]) == (200, "settled")
    balance = await payments_pool.fetchrow("SELECT available, held FROM credit_balances WHERE user_id = $1", user)
    assert (balance["available"], balance["held"]) == (2, 0)

    unknown = await payments.post(f"{_charges(user)}/never-made/settle")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "charge_not_found")
    elsewhere = await payments.post(f"{_charges(new_user())}/kisscam:job-2/settle")
    assert elsewhere.status_code == 404, "a charge belongs to its user"


async def test_a_quote_says_what_the_next_one_costs(payments: httpx.AsyncClient, payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    quotes = f"/internal/v1/users/{user}/quotes"
    assert (await payments.get(f"{quotes}/kisscam.classic")).json() == {
        "kind": "kisscam.classic",
        "source": "daily_allowance",
        "credits": 0,
        "affordable": True,
    }
    for n in range(2):
        await payments.post(_charges(user), json={"key": f"clip-{n}", "kind": "kisscam.classic"})
    await payments.post(_charges(user), json={"key": "trial", "kind": "kisscam.ai"})
    assert (await payments.get(f"{quotes}/kisscam.classic")).json()["affordable"] is False
    assert (await payments.get(f"{quotes}/kisscam.ai")).json() == {
        "kind": "kisscam.ai",
        "source": None,
        "credits": 3,
        "affordable": False,
    }
    await fund(payments_pool, user, 3)
    assert (await payments.get(f"{quotes}/kisscam.ai")).json()["source"] == "credits"
    assert await payments_pool.fetchval("SELECT count(*) FROM charges WHERE user_id = $1", user) == 3


async def test_the_account_shows_premium_renewal_credits_and_allowances(
    payments: httpx.AsyncClient, payments_pool: asyncpg.Pool
) -> None:
    user = new_user()
    nobody = (await payments.get(f"/internal/v1/users/{user}/account")).json()
    assert nobody == {
        "user_id": user,
        "premium": False,
        "premium_until": None,
        "renewal": None,
        "credits": 0,
        "credits_held": 0,
        "allowances": {
            "classic_per_day": 2,
            "classic_left_today": 2,
            "ai_trial_left": True,
            "ai_in_period": 0,
            "ai_left_in_period": 0,
        },
    }
    start = datetime.now(UTC) - timedelta(days=2)
    await paid_period(payments_pool, user, start=start, ai_videos=10)
    await paid_period(payments_pool, user, start=start + timedelta(days=30), ai_videos=10)  # paid ahead
    await payments_pool.execute(
        "INSERT INTO renewals (user_id, provider, product_id, telegram_payment_charge_id, auto_renew) "
        "VALUES ($1, 'stars', 'premium-month', 'stars-charge-1', true)",
        user,
    )
    await fund(payments_pool, user, 7)
    for key, kind in [("clip", "kisscam.classic"), ("trial", "kisscam.ai"), ("ai-1", "kisscam.ai")]:
        assert (await payments.post(_charges(user), json={"key": key, "kind": kind})).status_code == 201
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.hold(connection, user, 2, "job-elsewhere", ttl=timedelta(minutes=5))

    account = (await payments.get(f"/internal/v1/users/{user}/account")).json()
    assert account["premium"] is True
    assert datetime.fromisoformat(account["premium_until"]) == start + timedelta(days=60)
    assert account["renewal"] == {
        "provider": "stars",
        "auto_renew": True,
        "telegram_payment_charge_id": "stars-charge-1",
    }
    assert (account["credits"], account["credits_held"]) == (5, 2)
    assert account["allowances"] == {
        "classic_per_day": 2,
        "classic_left_today": 1,
        "ai_trial_left": False,
        "ai_in_period": 10,
        "ai_left_in_period": 9,
    }
    # The entitlements other services read still answer as before.
    entitlements = (await payments.get(f"/internal/v1/users/{user}/entitlements")).json()
    assert (entitlements["premium"], entitlements["credits"]) == (True, 5)


BAD_USERS = ["-1", "0", str(2**63), "abc", "1.5"]


@pytest.mark.parametrize("user", BAD_USERS)
async def test_a_bad_user_id_is_a_422_everywhere(payments: httpx.AsyncClient, user: str) -> None:
    base = f"/internal/v1/users/{user}"
    answers = [
        await payments.get(f"{base}/quotes/kisscam.classic"),
        await payments.get(f"{base}/account"),
        await payments.post(f"{base}/charges", json={"key": "k", "kind": "kisscam.classic"}),
        await payments.post(f"{base}/charges/k/settle"),
        await payments.post(f"{base}/charges/k/release"),
    ]
    assert [a.status_code for a in answers] == [422] * 5


@pytest.mark.parametrize(
    "body",
    [
        {"key": "k", "kind": "kisscam.gold"},
        {"key": "k"},
        {"kind": "kisscam.classic"},
        {"key": "", "kind": "kisscam.classic"},
        {"key": "x" * 129, "kind": "kisscam.classic"},
        {"key": "a key with spaces", "kind": "kisscam.classic"},
        {"key": "k", "kind": "kisscam.classic", "ttl_seconds": 0},
        {"key": "k", "kind": "kisscam.classic", "ttl_seconds": -60},
        {"key": "k", "kind": "kisscam.classic", "ttl_seconds": 10**12},
        {"key": "k", "kind": "kisscam.classic", "ttl_seconds": "soon"},
        {"key": "k", "kind": "kisscam.classic", "credits": 0},
        [],
        "charge",
    ],
)
async def test_a_bad_charge_is_refused_and_holds_nothing(
    payments: httpx.AsyncClient, payments_pool: asyncpg.Pool, body: Any
) -> None:
    user = new_user()
    answer = await payments.post(_charges(user), json=body)
    assert answer.status_code == 422
    assert await payments_pool.fetchval("SELECT count(*) FROM charges WHERE user_id = $1", user) == 0


async def test_malformed_requests_are_4xx(payments: httpx.AsyncClient) -> None:
    user = new_user()
    malformed = await payments.post(
        _charges(user), content=b'{"key": "k", "kind":', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 422
    unknown_kind = await payments.get(f"/internal/v1/users/{user}/quotes/kisscam.gold")
    assert unknown_kind.status_code == 422
    bad_key = await payments.post(f"{_charges(user)}/{'x' * 200}/settle")
    assert bad_key.status_code == 422
