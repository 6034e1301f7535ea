"""Charges for Kiss Cam on real PostgreSQL: the first source that can pay, never twice, never free by accident."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from storycam.contracts.payments import ChargeKind
from storycam.payments.charges import service as charges
from storycam.payments.charges.service import ChargeAlreadyClosed
from storycam.payments.charges.sweeper import sweep
from storycam.payments.ledger import service as ledger
from storycam.payments.ledger.service import HoldAlreadyClosed
from tests.payments.charging import POLICY, charge, close, credits, fund, paid_period
from tests.story.support import new_user

# 12:00 in Moscow; the allowance's day turns at 21:00 UTC (midnight in Moscow, UTC+3 all year).
NOON = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)


async def quote_source(pool: asyncpg.Pool, user: int, kind: ChargeKind, now: datetime) -> tuple[str | None, int, bool]:
    quoted = await charges.quote(pool, user, kind, POLICY, now=now)
    return quoted.source, quoted.credits, quoted.affordable


async def test_classic_clips_use_the_daily_allowance_then_credits(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 2)
    assert await quote_source(payments_pool, user, "kisscam.classic", NOON) == ("daily_allowance", 0, True)
    sources = [await charge(payments_pool, user, "kisscam.classic", f"clip-{n}", now=NOON) for n in range(6)]
    assert sources == ["daily_allowance"] * 3 + ["credits"] * 2 + ["refused"]
    assert await credits(payments_pool, user) == (0, 2)
    assert await quote_source(payments_pool, user, "kisscam.classic", NOON) == (None, 1, False)


async def test_the_daily_allowance_comes_back_at_midnight_in_moscow(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    late = NOON.replace(hour=20, minute=59)  # 23:59 in Moscow
    for n in range(3):
        assert await charge(payments_pool, user, "kisscam.classic", f"late-{n}", now=late) == "daily_allowance"
    assert await charge(payments_pool, user, "kisscam.classic", "late-3", now=late) == "refused"
    midnight = NOON.replace(hour=21, minute=0)  # 00:00 in Moscow, still the same day in UTC
    assert await charge(payments_pool, user, "kisscam.classic", "next-day", now=midnight) == "daily_allowance"


async def test_a_released_allowance_charge_gives_its_use_back(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    for n in range(3):
        await charge(payments_pool, user, "kisscam.classic", f"clip-{n}", now=NOON)
    assert await close(payments_pool, user, "clip-1", "release") == "released"
    assert await charge(payments_pool, user, "kisscam.classic", "clip-again", now=NOON) == "daily_allowance"
    assert await charge(payments_pool, user, "kisscam.classic", "one-more", now=NOON) == "refused"


async def test_concurrent_charges_use_the_allowance_exactly(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 4)
    sources = await asyncio.gather(
        *(charge(payments_pool, user, "kisscam.classic", f"burst-{n}", now=NOON) for n in range(30))
    )
    assert sorted(sources) == sorted(["daily_allowance"] * 3 + ["credits"] * 4 + ["refused"] * 23)
    assert await credits(payments_pool, user) == (0, 4)


async def test_the_ai_trial_is_used_once_per_user_ever(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 2)
    assert await quote_source(payments_pool, user, "kisscam.ai", NOON) == ("ai_trial", 0, True)
    assert await charge(payments_pool, user, "kisscam.ai", "first", now=NOON) == "ai_trial"
    # While the trial's job runs, a second AI video is not free too.
    assert await charge(payments_pool, user, "kisscam.ai", "second", now=NOON) == "credits"
    await close(payments_pool, user, "first", "settle")
    a_year_later = NOON + timedelta(days=365)
    assert await quote_source(payments_pool, user, "kisscam.ai", a_year_later) == (None, 2, False)
    assert await charge(payments_pool, user, "kisscam.ai", "third", now=a_year_later) == "refused"
    # Another user has a trial of their own.
    assert await charge(payments_pool, new_user(), "kisscam.ai", "first", now=NOON) == "ai_trial"


async def test_a_failed_trial_job_gives_the_trial_back(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    assert await charge(payments_pool, user, "kisscam.ai", "failed-job", now=NOON) == "ai_trial"
    await close(payments_pool, user, "failed-job", "release")
    assert await charge(payments_pool, user, "kisscam.ai", "retry", now=NOON) == "ai_trial"


async def test_concurrent_ai_charges_use_the_trial_once(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    sources = await asyncio.gather(*(charge(payments_pool, user, "kisscam.ai", f"ai-{n}", now=NOON) for n in range(20)))
    assert sorted(sources) == sorted(["ai_trial"] + ["refused"] * 19)


async def test_the_subscription_allowance_pays_after_the_trial_and_resets_with_the_next_period(
    payments_pool: asyncpg.Pool,
) -> None:
    user = new_user()
    await fund(payments_pool, user, 2)
    start = NOON - timedelta(days=1)
    await paid_period(payments_pool, user, start=start, ai_videos=2)
    sources = [await charge(payments_pool, user, "kisscam.ai", f"p1-{n}", now=NOON) for n in range(5)]
    assert sources == ["ai_trial", "subscription_allowance", "subscription_allowance", "credits", "refused"]
    # The next period (a second payment, starting where the first ends) has its own AI videos; unused ones of the
    # first are not carried over.
    await paid_period(payments_pool, user, start=start + timedelta(days=30), ai_videos=2)
    next_period = start + timedelta(days=30, hours=1)
    sources = [await charge(payments_pool, user, "kisscam.ai", f"p2-{n}", now=next_period) for n in range(3)]
    assert sources == ["subscription_allowance", "subscription_allowance", "refused"]
    # After premium ends, only credits pay.
    after = start + timedelta(days=61)
    assert await charge(payments_pool, user, "kisscam.ai", "after", now=after) == "refused"


async def test_a_long_period_has_an_allowance_per_30_days(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    start = NOON - timedelta(days=1)
    await paid_period(payments_pool, user, start=start, days=90, ai_videos=1)
    await charge(payments_pool, user, "kisscam.ai", "trial", now=NOON)
    assert await charge(payments_pool, user, "kisscam.ai", "month-1", now=NOON) == "subscription_allowance"
    assert await charge(payments_pool, user, "kisscam.ai", "month-1-again", now=NOON) == "refused"
    month_2 = start + timedelta(days=31)
    assert await charge(payments_pool, user, "kisscam.ai", "month-2", now=month_2) == "subscription_allowance"


async def test_a_refunded_or_support_period_includes_no_ai_videos(payments_pool: asyncpg.Pool) -> None:
    refunded = new_user()
    await paid_period(payments_pool, refunded, start=NOON - timedelta(days=1), ai_videos=10, status="refunded")
    await charge(payments_pool, refunded, "kisscam.ai", "trial", now=NOON)
    assert await charge(payments_pool, refunded, "kisscam.ai", "after-refund", now=NOON) == "refused"

    granted = new_user()
    await payments_pool.execute(
        "INSERT INTO subscriptions (user_id, plan, source, active_from, active_until) "
        "VALUES ($1, 'premium', 'grant', $2, $3)",
        granted,
        NOON - timedelta(days=1),
        NOON + timedelta(days=29),
    )
    await charge(payments_pool, granted, "kisscam.ai", "trial", now=NOON)
    assert await charge(payments_pool, granted, "kisscam.ai", "granted", now=NOON) == "refused"


async def test_an_expired_charge_is_released_by_the_sweeper_once(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 3)
    created = datetime.now(UTC)
    for n in range(3):
        await charge(payments_pool, user, "kisscam.classic", f"free-{n}", now=created)
    assert await charge(payments_pool, user, "kisscam.classic", "paid", now=created) == "credits"
    await close(payments_pool, user, "free-0", "settle")
    assert await credits(payments_pool, user) == (2, 1)
    later = created + POLICY.ttl + timedelta(seconds=1)

    # Two replicas sweeping at once: each charge is released once in all.
    rounds = await asyncio.gather(sweep(payments_pool, now=later), sweep(payments_pool, now=later))
    mine = await payments_pool.fetch("SELECT key, state FROM charges WHERE user_id = $1 ORDER BY key", user)
    assert {r["key"]: r["state"] for r in mine} == {
        "free-0": "settled",
        "free-1": "released",
        "free-2": "released",
        "paid": "released",
    }
    assert sum(r.charges for r in rounds) >= 3
    assert await credits(payments_pool, user) == (3, 0)
    assert (
        await payments_pool.fetchval(
            "SELECT count(*) FROM credit_entries WHERE user_id = $1 AND kind = 'release'", user
        )
        == 1
    )
    # Settling what the sweeper released is refused; the released uses came back.
    with pytest.raises(ChargeAlreadyClosed, match="released"):
        await close(payments_pool, user, "paid", "settle")
    assert await charge(payments_pool, user, "kisscam.classic", "again", now=created) == "daily_allowance"


async def test_a_charge_whose_credit_hold_the_ledger_swept_cannot_be_settled(payments_pool: asyncpg.Pool) -> None:
    """The ledger's sweep alone (the charges' sweep fell behind) releases the hold: settling the charge is then
    refused and changes nothing, and the next charges sweep closes the charge as released."""
    user = new_user()
    await fund(payments_pool, user, 1)
    policy_without_allowance = replace(POLICY, classic_per_day=0)
    created = datetime.now(UTC)
    assert (
        await charge(payments_pool, user, "kisscam.classic", "slow", now=created, policy=policy_without_allowance)
        == "credits"
    )
    later = created + POLICY.ttl + timedelta(seconds=1)
    async with payments_pool.acquire() as connection, connection.transaction():
        assert await ledger.sweep_expired_holds(connection, now=later) >= 1
    with pytest.raises(HoldAlreadyClosed):
        await close(payments_pool, user, "slow", "settle")
    assert await credits(payments_pool, user) == (1, 0)
    await sweep(payments_pool, now=later)
    assert await payments_pool.fetchval("SELECT state FROM charges WHERE user_id = $1", user) == "released"


async def test_a_charge_key_of_the_longest_length_pays_by_credits(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 1)
    key = "k" * 128
    assert await charge(payments_pool, user, "kisscam.ai", "trial", now=NOON) == "ai_trial"
    assert await charge(payments_pool, user, "kisscam.ai", key, now=NOON, policy=replace(POLICY, ai_credits=1)) == (
        "credits"
    )
    assert await close(payments_pool, user, key, "settle") == "settled"
    assert await credits(payments_pool, user) == (0, 0)
