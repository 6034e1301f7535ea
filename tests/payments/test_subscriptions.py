"""Subscriptions in the payments service: entitlements for the other services, and support's grants."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.kit.service_auth import ServiceAuth
from storycam.payments.ledger import service as ledger
from tests.story.support import new_user
from tests.support.services import BY_NAME, TEST_SECRET, build, running


@pytest.fixture
async def payments(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with running(build(BY_NAME["payments"], database_url, redis_url)) as client:
        yield client


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid4())}


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
        f"/internal/v1/users/{user}/subscriptions/grants",
        json={"days": 30, "reason": "apology for an outage"},
        headers=_key(),
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
        await payments.post(
            f"/internal/v1/users/{user}/subscriptions/grants", json={"days": 7, "reason": "bonus"}, headers=_key()
        )
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
    response = await payments.post(f"/internal/v1/users/{user}/subscriptions/grants", json=body, headers=_key())
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 0
    assert (await payments.get("/internal/v1/users/0/entitlements")).status_code == 422


@pytest.mark.parametrize(
    "headers",
    [{}, {"Idempotency-Key": "short"}, {"Idempotency-Key": "has spaces in it"}, {"Idempotency-Key": "k" * 129}],
    ids=["no-key", "short-key", "spaces", "too-long"],
)
async def test_a_grant_without_a_proper_idempotency_key_is_refused(
    payments: httpx.AsyncClient, db: asyncpg.Connection, headers: dict[str, str]
) -> None:
    user = new_user()
    body = {"days": 3, "reason": "a fine reason"}
    response = await payments.post(f"/internal/v1/users/{user}/subscriptions/grants", json=body, headers=headers)
    assert response.status_code == 422
    [field] = response.json()["fields"]
    assert field["loc"] == ["header", "Idempotency-Key"]
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 0


async def test_a_grant_retried_with_its_key_is_made_once(payments: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    """A support tool that times out and retries, or a replayed request, must not give the days twice."""
    user = new_user()
    grants = f"/internal/v1/users/{user}/subscriptions/grants"
    key = _key()
    body = {"days": 10, "reason": "apology for an outage"}
    first = await payments.post(grants, json=body, headers=key)
    again = await asyncio.gather(*(payments.post(grants, json=body, headers=key) for _ in range(3)))
    assert first.status_code == 201
    assert [r.status_code for r in again] == [200, 200, 200]
    assert all(r.json() == first.json() for r in again)
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 1
    entitlements = (await payments.get(f"/internal/v1/users/{user}/entitlements")).json()
    assert _at(entitlements["premium_until"]) == _at(first.json()["active_until"])

    # The same key for another grant is a mistake to report, not a grant to make or to answer with the old one.
    other = await payments.post(grants, json={"days": 20, "reason": "apology for an outage"}, headers=key)
    assert other.status_code == 409
    assert other.json()["error"] == "idempotency_key_reused"
    # The key is the caller's per user: another user's grant under it is a grant of its own.
    elsewhere = await payments.post(f"/internal/v1/users/{new_user()}/subscriptions/grants", json=body, headers=key)
    assert elsewhere.status_code == 201
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 1


async def test_entitlements_count_the_credits_the_user_can_spend(
    payments: httpx.AsyncClient, payments_pool: asyncpg.Pool
) -> None:
    user = new_user()
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.grant(connection, user, 5, "purchase-entitlements", reason="test")
        await ledger.hold(connection, user, 2, "job-entitlements", ttl=timedelta(minutes=5))
    entitlements = (await payments.get(f"/internal/v1/users/{user}/entitlements")).json()
    assert entitlements["credits"] == 3


def _signed_grant(payments: httpx.AsyncClient, user: int, key: str) -> httpx.Request:
    request = payments.build_request(
        "POST",
        f"/internal/v1/users/{user}/subscriptions/grants",
        json={"days": 30, "reason": "apology for an outage"},
        headers={"Idempotency-Key": key},
    )
    return next(ServiceAuth(TEST_SECRET, "support").auth_flow(request))


def _resent(signed: httpx.Request, **headers: str) -> httpx.Request:
    """``signed`` sent again as caught on the wire, with ``headers`` put in place of its own."""
    replaced = {name.lower() for name in headers}
    kept = [(name, value) for name, value in signed.headers.multi_items() if name.lower() not in replaced]
    return httpx.Request(signed.method, signed.url, headers=[*kept, *headers.items()], content=signed.content)


async def test_a_signed_grant_replayed_later_is_refused(payments: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    """Support's grant, caught on the wire and sent again 2 s later (inside the signature window): refused
    before it reaches the grant, not answered as a retry of it."""
    user = new_user()
    signed = _signed_grant(payments, user, str(uuid4()))
    assert (await payments.send(signed, auth=None)).status_code == 201
    await asyncio.sleep(2)
    replay = await payments.send(_resent(signed), auth=None)
    assert replay.status_code == 401
    assert replay.json()["error"] == "unauthorized"
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 1


async def test_a_signature_does_not_carry_over_to_another_idempotency_key(
    payments: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    """The same signature with another Idempotency-Key would be another grant: refused, nothing granted."""
    user = new_user()
    signed = _signed_grant(payments, user, str(uuid4()))
    swapped = await payments.send(_resent(signed, **{"Idempotency-Key": str(uuid4())}), auth=None)
    assert swapped.status_code == 401
    # Nor with the other key put in front of the signed one (the grant reads the first, the signature the last).
    doubled = httpx.Request(
        signed.method,
        signed.url,
        headers=[("Idempotency-Key", str(uuid4())), *signed.headers.multi_items()],
        content=signed.content,
    )
    assert (await payments.send(doubled, auth=None)).status_code == 401
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 0
    # The request as signed is still good: refusals spent nothing of it.
    assert (await payments.send(signed, auth=None)).status_code == 201
    assert await db.fetchval("SELECT count(*) FROM payments.subscriptions WHERE user_id = $1", user) == 1
