"""The subscription lifecycle job: reminders 3 days and 1 day before premium ends and the news that it ended, each
published once, even with two replicas running the job at the same moment."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.kit.uow import unit_of_work
from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.fulfilment.service import take_back
from storycam.payments.jobs import lifecycle_rules, periodic_jobs
from storycam.payments.lifecycle.service import LifecycleRules, check_subscriptions
from storycam.payments.periodic import PeriodicJob
from storycam.payments.purchases import repository as purchases
from storycam.payments.settings import PaymentsSettings
from tests.payments.charging import paid_period
from tests.story.support import new_user
from tests.support.services import BY_NAME, build, running

RULES = LifecycleRules(
    renewal_grace=timedelta(hours=1), lookback=timedelta(hours=48), fallback_product_id="premium-month"
)


async def events(pool: asyncpg.Pool, user: int) -> list[dict[str, Any]]:
    """What the job published for ``user`` (left in the outbox: no relay runs in these tests)."""
    rows = await pool.fetch(
        "SELECT data FROM outbox WHERE stream = 'payments.events' AND (data::jsonb ->> 'user_id')::bigint = $1 "
        "ORDER BY id",
        user,
    )
    return [json.loads(row["data"]) for row in rows]


async def two_replicas(pool: asyncpg.Pool, now: datetime) -> int:
    """Both replicas' rounds at the same moment; how many announcements they sent between them."""
    sent = await asyncio.gather(
        check_subscriptions(pool, None, RULES, now=now), check_subscriptions(pool, None, RULES, now=now)
    )
    return sum(sent)


async def test_reminders_and_the_end_are_announced_once_with_two_replicas(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    start = datetime(2041, 1, 1, 12, 0, tzinfo=UTC)
    await paid_period(payments_pool, user, start=start)
    end = start + timedelta(days=30)

    assert await two_replicas(payments_pool, end - timedelta(days=4)) == 0, "nothing due 4 days before"
    assert await two_replicas(payments_pool, end - timedelta(days=2, hours=12)) == 1
    assert await two_replicas(payments_pool, end - timedelta(days=2)) == 0, "the 3-day reminder went already"
    assert await two_replicas(payments_pool, end - timedelta(hours=12)) == 1
    assert await two_replicas(payments_pool, end - timedelta(hours=1)) == 0
    assert await two_replicas(payments_pool, end + timedelta(minutes=1)) == 1
    assert await two_replicas(payments_pool, end + timedelta(days=1)) == 0

    published = await events(payments_pool, user)
    assert [(e["type"], e.get("days_left")) for e in published] == [
        ("payments.subscription_ending", 3),
        ("payments.subscription_ending", 1),
        ("payments.subscription_expired", None),
    ]
    assert all(datetime.fromisoformat(e.get("ends_at") or e["ended_at"]) == end for e in published)
    assert {e["product_id"] for e in published} == {"premium-month"}
    assert published[0]["auto_renew"] is False
    assert len({e["event_id"] for e in published}) == 3


async def test_a_missed_3_day_reminder_is_not_sent_after_the_1_day_one(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    start = datetime(2041, 3, 1, 12, 0, tzinfo=UTC)
    await paid_period(payments_pool, user, start=start)
    end = start + timedelta(days=30)
    assert await two_replicas(payments_pool, end - timedelta(hours=20)) == 1
    assert [e["days_left"] for e in await events(payments_pool, user)] == [1]


async def test_a_period_paid_ahead_moves_the_reminders_to_the_new_end(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    start = datetime(2041, 5, 1, 12, 0, tzinfo=UTC)
    await paid_period(payments_pool, user, start=start)
    await paid_period(payments_pool, user, start=start + timedelta(days=30))
    first_end = start + timedelta(days=30)
    for moment in (first_end - timedelta(days=2), first_end - timedelta(hours=2), first_end + timedelta(hours=2)):
        await two_replicas(payments_pool, moment)
    assert await events(payments_pool, user) == [], "premium goes on: nothing to remind of"
    await two_replicas(payments_pool, first_end + timedelta(days=28))
    [reminder] = await events(payments_pool, user)
    assert datetime.fromisoformat(reminder["ends_at"]) == first_end + timedelta(days=30)


async def test_a_renewing_stars_subscription_says_it_renews_and_waits_for_the_renewal(
    payments_pool: asyncpg.Pool,
) -> None:
    user = new_user()
    start = datetime(2041, 7, 1, 12, 0, tzinfo=UTC)
    await paid_period(payments_pool, user, start=start)
    await payments_pool.execute(
        "INSERT INTO renewals (user_id, provider, product_id, telegram_payment_charge_id, auto_renew) "
        "VALUES ($1, 'stars', 'premium-month', 'stars-charge', true)",
        user,
    )
    end = start + timedelta(days=30)
    await two_replicas(payments_pool, end - timedelta(hours=6))
    assert await two_replicas(payments_pool, end + timedelta(minutes=30)) == 0, "Telegram may still renew it"
    [reminder] = await events(payments_pool, user)
    assert (reminder["days_left"], reminder["auto_renew"]) == (1, True)
    # Telegram did not renew (the user's Stars ran out): after the grace time, the end is announced.
    assert await two_replicas(payments_pool, end + timedelta(hours=2)) == 1
    assert (await events(payments_pool, user))[-1]["type"] == "payments.subscription_expired"


async def test_support_time_is_reminded_with_the_catalogue_subscription(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    start = datetime(2041, 9, 1, 12, 0, tzinfo=UTC)
    await payments_pool.execute(
        "INSERT INTO subscriptions (user_id, plan, source, active_from, active_until) "
        "VALUES ($1, 'premium', 'grant', $2, $3)",
        user,
        start,
        start + timedelta(days=7),
    )
    await two_replicas(payments_pool, start + timedelta(days=6))
    [reminder] = await events(payments_pool, user)
    assert reminder["product_id"] == "premium-month"


def test_the_renewal_button_buys_the_catalogue_subscription() -> None:
    rules = lifecycle_rules(PaymentsSettings(), load_catalogue(None))
    assert rules.fallback_product_id == "premium-month"
    assert rules.renewal_grace == timedelta(hours=1)


async def test_a_periodic_job_survives_a_failed_round_and_stops_when_told() -> None:
    rounds: list[int] = []
    second_round = asyncio.Event()

    async def round_() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("PostgreSQL went away")
        second_round.set()

    job = PeriodicJob("test", 0.0, round_)
    task = asyncio.create_task(job.run())
    await second_round.wait()
    job.stop()
    await task
    assert rounds[:2] == [0, 1]


@pytest.fixture
async def payments_with_jobs(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    app = build(BY_NAME["payments"], database_url, redis_url, charge_sweep_interval_seconds=0.2)
    async with running(app) as client:
        yield client


async def test_the_service_runs_the_sweeper(payments_with_jobs: httpx.AsyncClient, payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    made = await payments_with_jobs.post(
        f"/internal/v1/users/{user}/charges", json={"key": "dies", "kind": "kisscam.classic"}
    )
    assert made.status_code == 201
    # The job died long ago: its charge expired a minute back.
    await payments_pool.execute("UPDATE charges SET expires_at = now() - interval '1 minute' WHERE user_id = $1", user)
    async with asyncio.timeout(60):  # a deadline for a hang, not a speed figure
        while await payments_pool.fetchval("SELECT state FROM charges WHERE user_id = $1", user) == "held":
            await asyncio.sleep(0.1)
    assert await payments_pool.fetchval("SELECT state FROM charges WHERE user_id = $1", user) == "released"


def test_an_interval_of_zero_switches_a_job_off() -> None:
    settings = PaymentsSettings(charge_sweep_interval_seconds=0)
    jobs = periodic_jobs(None, settings, load_catalogue(None))  # type: ignore[arg-type]
    assert [job.name for job in jobs] == ["subscription-lifecycle"]


async def test_a_premium_a_refund_ended_is_not_announced_as_ended_again(payments_pool: asyncpg.Pool) -> None:
    refunded, lapsed = new_user(), new_user()
    # Bought yesterday and refunded in full today: the period is cut back to its start, a day ago (well inside the
    # job's look-back, where an end the job has not announced yet would be).
    start = datetime.now(UTC) - timedelta(days=1)
    _, purchase_id = await paid_period(payments_pool, refunded, start=start)
    await paid_period(payments_pool, lapsed, start=start - timedelta(days=30))  # ended a day ago by itself
    purchase = await purchases.get(payments_pool, purchase_id)
    assert purchase is not None
    async with unit_of_work(payments_pool) as work:
        told = await take_back(work, purchase, Decimal("500.00"), load_catalogue(None), refund_key="refund-1")
    assert told is not None
    assert told.premium_until is None  # the refund's news: premium is gone

    assert await check_subscriptions(payments_pool, None, RULES) == 1
    assert [e["type"] for e in await events(payments_pool, refunded)] == ["payments.payment_refunded"]
    assert [e["type"] for e in await events(payments_pool, lapsed)] == ["payments.subscription_expired"]
