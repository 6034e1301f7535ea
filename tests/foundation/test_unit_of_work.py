"""The unit of work: one transaction, an inbox that makes a redelivery a no-op, events only after commit; the same
for a request (the FastAPI dependency) and a stream handler (the kit's wrapper)."""

from __future__ import annotations

import ast
import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.types import Message, Receive, Scope, Send

from storycam.contracts.events import CanaryPing
from storycam.kit.bus import Delivery, StreamBus, StreamConsumer, Subscription
from storycam.kit.db import create_pool
from storycam.kit.deps import Work
from storycam.kit.outbox import OutboxRelay
from storycam.kit.streams import ensure_group
from storycam.kit.uow import UnitOfWork, in_unit_of_work, unit_of_work, with_unit_of_work
from tests.conftest import ROOT

STREAM = "test.uow"


class _Boom(Exception):
    pass


class _Relay:
    """Counts wake-ups, and relays for real when asked."""

    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


def _ping(origin: str) -> CanaryPing:
    return CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin=origin)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, schema="media", max_size=6)
    await pool.execute("TRUNCATE inbox, outbox")
    await pool.execute("CREATE TABLE IF NOT EXISTS uow_probe (n int)")
    await pool.execute("TRUNCATE uow_probe")
    try:
        yield pool
    finally:
        await pool.execute("DROP TABLE IF EXISTS uow_probe")
        await pool.execute("TRUNCATE inbox, outbox")
        await pool.close()


async def _work_done(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM uow_probe"))


async def test_an_exception_rolls_back_and_publishes_nothing(pool: asyncpg.Pool, redis: Redis) -> None:
    relay = _Relay()

    async def fail() -> None:
        async with unit_of_work(pool, relay) as work:
            connection = await work.connection()
            await connection.execute("INSERT INTO uow_probe VALUES (1)")
            await work.claim("event-1")
            await work.publish(STREAM, _ping("rolled back"))
            raise _Boom

    with pytest.raises(_Boom):
        await fail()
    assert await _work_done(pool) == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0, "a rolled-back claim must not mark work done"
    assert await OutboxRelay(pool, StreamBus(redis)).relay_once() == 0
    assert await redis.xlen(STREAM) == 0
    assert relay.wakes == 0
    assert pool.get_size() - pool.get_idle_size() == 0, "the connection went back to the pool"


async def test_events_leave_only_after_commit_and_wake_the_relay(pool: asyncpg.Pool, redis: Redis) -> None:
    relay = _Relay()
    bus_relay = OutboxRelay(pool, StreamBus(redis))
    async with unit_of_work(pool, relay) as work:
        await work.publish(STREAM, _ping("committed"))
        # Inside the unit nothing is visible to the relay (another connection): the row is not committed yet.
        assert await bus_relay.relay_once() == 0
        assert relay.wakes == 0
    assert relay.wakes == 1
    assert await bus_relay.relay_once() == 1
    [(_, fields)] = await redis.xrange(STREAM)
    assert CanaryPing.model_validate_json(fields[b"data"]).origin == "committed"


async def test_work_that_touches_no_table_opens_no_transaction(pool: asyncpg.Pool) -> None:
    relay = _Relay()
    async with unit_of_work(pool, relay) as work:
        pass
    assert not work.begun
    assert relay.wakes == 0


async def test_after_commit_actions_run_only_after_a_commit(pool: asyncpg.Pool) -> None:
    ran: list[str] = []
    async with unit_of_work(pool) as work:
        work.after_commit(lambda: ran.append("committed"))
        assert ran == []

    async def fail() -> None:
        async with unit_of_work(pool) as work:
            work.after_commit(lambda: ran.append("rolled back"))
            raise _Boom

    with pytest.raises(_Boom):
        await fail()
    assert ran == ["committed"]


async def test_the_same_inbox_key_twice_does_the_work_once(pool: asyncpg.Pool) -> None:
    async def insert(work: UnitOfWork) -> str:
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (1)")
        return "done"

    assert await in_unit_of_work(pool, None, insert, inbox_key="payment:42") == "done"
    assert await in_unit_of_work(pool, None, insert, inbox_key="payment:42") is None
    assert await in_unit_of_work(pool, None, insert, inbox_key="payment:43") == "done"
    assert await _work_done(pool) == 2


async def test_the_same_inbox_key_at_the_same_moment_on_two_connections_does_the_work_once(
    pool: asyncpg.Pool,
) -> None:
    both_open = asyncio.Barrier(2)

    async def deliver() -> bool:
        async with unit_of_work(pool) as work:
            connection = await work.connection()
            await both_open.wait()  # both transactions are open before either claims
            new = await work.claim("notification:7")
            if new:
                await connection.execute("INSERT INTO uow_probe VALUES (1)")
                await asyncio.sleep(0.2)  # hold the key a while: the other delivery waits on it, then skips
            return new

    results = await asyncio.gather(deliver(), deliver())
    assert sorted(results) == [False, True]
    assert await _work_done(pool) == 1


async def test_a_claim_rolled_back_lets_the_redelivery_do_the_work(pool: asyncpg.Pool) -> None:
    async def fail(work: UnitOfWork) -> None:
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (1)")
        raise _Boom

    async def succeed(work: UnitOfWork) -> str:
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (2)")
        return "done"

    with pytest.raises(_Boom):
        await in_unit_of_work(pool, None, fail, inbox_key="event:9")
    assert await in_unit_of_work(pool, None, succeed, inbox_key="event:9") == "done"
    assert await pool.fetchval("SELECT array_agg(n) FROM uow_probe") == [2]


async def test_a_stream_handler_in_a_unit_of_work_handles_a_republished_event_once(
    pool: asyncpg.Pool, redis: Redis
) -> None:
    relay = _Relay()
    seen: list[str] = []

    async def handle(event: CanaryPing, _: Delivery, work: UnitOfWork) -> None:
        seen.append(event.origin)
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (1)")
        await work.publish("test.uow.out", _ping(f"after {event.origin}"))
        if event.origin == "fails once" and seen.count("fails once") == 1:
            raise _Boom("the first delivery fails after its work")

    handler = with_unit_of_work(pool, relay, handle, inbox_key=lambda event, _: f"canary:{event.canary_id}")
    subscription = Subscription(
        stream=STREAM, group="uow", schema=CanaryPing, handler=handler, block_ms=50, min_idle_ms=50
    )
    await ensure_group(redis, STREAM, "uow")
    bus = StreamBus(redis)
    twice = _ping("published twice")
    await bus.publish(STREAM, twice)
    await bus.publish(STREAM, twice)  # at-least-once delivery: the same event again
    await bus.publish(STREAM, _ping("fails once"))
    consumer = StreamConsumer(redis, subscription, "c1")
    async with asyncio.timeout(15):
        while len(seen) < 3 or (await redis.xpending(STREAM, "uow"))["pending"]:
            await consumer.run_once()
            await asyncio.sleep(0.06)
    assert seen == ["published twice", "fails once", "fails once"]  # the repeat was skipped before the handler
    assert await _work_done(pool) == 2  # the failed delivery's row was rolled back
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 2  # and so was its event
    assert relay.wakes == 2


async def test_a_request_commits_before_it_is_answered_and_rolls_back_when_it_fails(
    pool: asyncpg.Pool, redis: Redis
) -> None:
    app = FastAPI()
    relay = _Relay()

    class _State:
        db = pool
        outbox = relay

    app.state.service = _State()

    @app.post("/ok")
    async def ok(work: Work) -> dict[str, int]:
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (1)")
        await work.publish(STREAM, _ping("request"))
        return {"done": 1}

    @app.post("/fails")
    async def fails(work: Work) -> dict[str, int]:
        await (await work.connection()).execute("INSERT INTO uow_probe VALUES (2)")
        raise _Boom

    seen_when_answered: list[int] = []

    async def watching(scope: Scope, receive: Receive, send: Send) -> None:
        async def watched_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Answered means committed: another connection sees the row as the answer starts.
                seen_when_answered.append(await _work_done(pool))
            await send(message)

        await app(scope, receive, watched_send)

    transport = httpx.ASGITransport(app=watching, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        answer = await client.post("/ok")
        assert answer.status_code == 200
        assert seen_when_answered == [1]
        assert relay.wakes == 1
        assert (await client.post("/fails")).status_code == 500
    assert await pool.fetchval("SELECT array_agg(n) FROM uow_probe") == [1]
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


def test_no_transaction_is_opened_outside_the_kit_repositories_and_migrations() -> None:
    allowed = ("/kit/", "/migrations/", "repository.py")
    offenders = []
    for root in ("services", "shared", "tools"):
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if any(part in relative for part in allowed) or "/node_modules/" in relative:
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "transaction"
                ):
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == [], "open transactions through the kit's unit of work: " + ", ".join(offenders)
