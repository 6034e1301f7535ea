"""Credit holds per second on real PostgreSQL: one contended balance, and many balances, with p50 and p99.

Three ways of setting one credit aside, alternated within one run so a busy moment on the shared machine spoils
them alike:

* **floor**: one conditional ``UPDATE credit_balances ... WHERE available >= 1`` in a transaction: the least a
  hold that never goes below zero can cost (no history, no idempotency key, no expiry).
* **ledger.hold**: the ledger's hold (the user's lock, the key looked up, an append-only entry, an open hold, the
  balance), in a transaction as the unit of work opens it.
* **charge**: a Kiss Cam charge paid by credits (the same, plus the charges row and its allowance lookups).

``CONCURRENCY`` callers share a pool of as many connections; "contended" sends every hold to one user (they queue
on that user's lock, by design), "spread" to ``USERS`` users picked round-robin.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from bench.infra import ROOT, cpu_model, datastores
from bench.report import write_section
from storycam.contracts.payments import ChargeRequest
from storycam.kit.db import create_pool
from storycam.kit.migrations import upgrade
from storycam.payments.charges import service as charges
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.ledger import service as ledger
from storycam.payments.settings import PaymentsSettings

CONCURRENCY = 16
OPS = 1500  # holds per measurement
ROUNDS = 3  # each way measured this many times, alternated
USERS = 1000
TTL = timedelta(minutes=30)
POLICY = replace(ChargePolicy.from_settings(PaymentsSettings()), classic_per_day=0, classic_credits=1)

Hold = Callable[[asyncpg.Connection, int, str], Awaitable[None]]


async def _floor(connection: asyncpg.Connection, user: int, _: str) -> None:
    done = await connection.fetchval(
        "UPDATE credit_balances SET available = available - 1, held = held + 1 "
        "WHERE user_id = $1 AND available >= 1 RETURNING 1",
        user,
    )
    assert done == 1


async def _ledger(connection: asyncpg.Connection, user: int, key: str) -> None:
    await ledger.hold(connection, user, 1, key, ttl=TTL)


async def _charge(connection: asyncpg.Connection, user: int, key: str) -> None:
    _, made = await charges.charge(connection, user, ChargeRequest(key=key, kind="kisscam.classic"), POLICY)
    assert made


WAYS: dict[str, Hold] = {"floor": _floor, "ledger.hold": _ledger, "charge": _charge}


@dataclass
class Figures:
    per_second: float
    p50_ms: float
    p99_ms: float


async def _fund(pool: asyncpg.Pool, users: list[int], credits: int) -> None:
    for user in users:
        async with pool.acquire() as connection, connection.transaction():
            await ledger.grant(connection, user, credits, f"bench-{uuid4()}")


async def _measure(pool: asyncpg.Pool, hold: Hold, users: list[int]) -> Figures:
    latencies: list[float] = []
    counter = iter(range(OPS))

    async def caller() -> None:
        for n in counter:
            user = users[n % len(users)]
            began = time.perf_counter()
            async with pool.acquire() as connection, connection.transaction():
                await hold(connection, user, f"bench-{uuid4()}")
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - began
    quantiles = statistics.quantiles(latencies, n=100)
    return Figures(per_second=OPS / elapsed, p50_ms=quantiles[49] * 1000, p99_ms=quantiles[98] * 1000)


async def _run(database_url: str) -> dict[tuple[str, str], list[Figures]]:
    pool = await create_pool(database_url, schema="payments", max_size=CONCURRENCY)
    results: dict[tuple[str, str], list[Figures]] = {}
    try:
        fresh = iter(range(int(time.time() * 1000) * 1000, 2**62))  # user ids no earlier run has used
        for scenario, count in (("contended", 1), ("spread", USERS)):
            for _ in range(ROUNDS):
                for way, hold in WAYS.items():
                    # Fresh users each time, funded for every hold they will take: no measurement sees another's.
                    users = [next(fresh) for _ in range(count)]
                    await _fund(pool, users, OPS // count + 1)
                    results.setdefault((scenario, way), []).append(await _measure(pool, hold, users))
                    print(scenario, way, results[(scenario, way)][-1], flush=True)
    finally:
        await pool.close()
    return results


def _median(figures: list[Figures]) -> Figures:
    return Figures(
        per_second=statistics.median(f.per_second for f in figures),
        p50_ms=statistics.median(f.p50_ms for f in figures),
        p99_ms=statistics.median(f.p99_ms for f in figures),
    )


def main() -> None:
    load_before = os.getloadavg()[0]
    with datastores("storycam_bench_payments", redis_db=15, valkey_port=6396) as (database_url, _):
        upgrade(database_url, "payments", ROOT / "services/payments/src/storycam/payments/migrations")
        with contextlib.suppress(KeyboardInterrupt):
            results = asyncio.run(_run(database_url))
    server = asyncio.run(_server_version(database_url))
    rows = []
    for (scenario, way), figures in results.items():
        m = _median(figures)
        floor = _median(results[(scenario, "floor")])
        rows.append(
            f"| {scenario} | {way} | {m.per_second:.0f} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
            f"{m.per_second / floor.per_second:.2f} |"
        )
    table = "\n".join(rows)
    body = f"""
Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python -m bench payments` on {cpu_model()}, {os.cpu_count()} cores;
Linux {platform.release()}; Python {platform.python_version()}; PostgreSQL {server}; the load generator, asyncpg
and PostgreSQL on the same machine (load average {load_before:.1f} when it began; other work shared it).
{CONCURRENCY} concurrent callers on a pool of {CONCURRENCY} connections; {OPS} holds of 1 credit per measurement,
each in its own transaction, every one succeeding (the users are funded for all of them). "contended": all on one
user's balance; "spread": round-robin over {USERS} users. Each figure is the median of {ROUNDS} measurements, the
three ways alternated. Latency is per hold, from asking the pool for a connection to the commit. The service's
log line per hold and charge is written (to the console) as in production.

| balance | way | holds/s | p50 ms | p99 ms | throughput vs floor |
|---|---|---|---|---|---|
{table}

The floor is one conditional UPDATE per transaction: what any hold that cannot go below zero pays. On one
contended balance every way queues on the same row lock, so throughput is one transaction's lock-hold time after
another: the ledger's extra statements are inside that lock and cost in proportion. Spread over many users the
holds do not wait for each other and the figures are bounded by the machine's two cores. The contended p99 is
the queue: {CONCURRENCY} callers waiting on one row lock each wait for up to {CONCURRENCY - 1} others' transactions.
"""
    print(body)
    write_section("Credit holds and Kiss Cam charges (issue 10)", body)


async def _server_version(database_url: str) -> str:
    connection = await asyncpg.connect(database_url)
    try:
        version: str = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return version


if __name__ == "__main__":
    main()
