"""The Redis Streams bus against a real Redis: delivery, reclaim after a consumer dies, dead letters, tracing."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from redis.asyncio import Redis

from storycam.contracts.events import CanaryPing
from storycam.kit.bus import Delivery, StreamBus, StreamConsumer, Subscription
from storycam.kit.streams import GroupConsumer, ensure_group
from tests.conftest import ROOT

STREAM = "test.events"
GROUP = "test.group"


def _ping(origin: str = "test") -> CanaryPing:
    return CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin=origin)


def _subscription(handler: Callable[[CanaryPing, Delivery], Awaitable[None]], **kw: Any) -> Subscription[CanaryPing]:
    return Subscription(stream=STREAM, group=GROUP, schema=CanaryPing, handler=handler, block_ms=50, **kw)


async def _drain(consumer: StreamConsumer[Any], until: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not until():
            await consumer.run_once()


async def test_published_events_are_consumed_in_order_and_acked(redis: Redis) -> None:
    seen: list[str] = []

    async def remember(ping: CanaryPing, _: Delivery) -> None:
        seen.append(ping.origin)

    await ensure_group(redis, STREAM, GROUP)
    bus = StreamBus(redis)
    for n in range(20):
        await bus.publish(STREAM, _ping(f"p{n}"))
    consumer = StreamConsumer(redis, _subscription(remember), "c1")
    await _drain(consumer, lambda: len(seen) == 20)
    assert seen == [f"p{n}" for n in range(20)]
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_an_entry_left_by_a_killed_consumer_is_reclaimed_and_handled_once(redis: Redis, redis_url: str) -> None:
    await ensure_group(redis, STREAM, GROUP)
    # A real consumer process takes the entry and is killed before it acks.
    doomed = subprocess.Popen(
        [sys.executable, "-m", "tests.support.stuck_consumer", redis_url, STREAM, GROUP],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        entry_id = await StreamBus(redis).publish(STREAM, _ping("survivor"))
        line = await asyncio.wait_for(asyncio.to_thread(doomed.stdout.readline), timeout=20)
        assert line.strip() == f"took {entry_id}"
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        doomed.stdout.close()
    pending = await redis.xpending_range(STREAM, GROUP, "-", "+", 10)
    assert [(p["message_id"].decode(), p["consumer"].decode()) for p in pending] == [(entry_id, "doomed")]

    handled: list[tuple[str, int]] = []

    async def handle(ping: CanaryPing, delivery: Delivery) -> None:
        handled.append((ping.origin, delivery.deliveries))

    survivor = StreamConsumer(redis, _subscription(handle, min_idle_ms=200), "survivor")
    await _drain(survivor, lambda: bool(handled))
    for _ in range(3):  # nothing more arrives, and the entry is not handled again
        await survivor.run_once()
    assert handled == [("survivor", 2)]
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_an_entry_that_keeps_failing_goes_to_the_dead_letter_stream_with_its_error(redis: Redis) -> None:
    attempts = 0

    async def fail(_: CanaryPing, __: Delivery) -> None:
        nonlocal attempts
        attempts += 1
        raise ValueError(f"cannot handle this (attempt {attempts})")

    await ensure_group(redis, STREAM, GROUP)
    entry_id = await StreamBus(redis).publish(STREAM, _ping("poison"))
    consumer = StreamConsumer(redis, _subscription(fail, min_idle_ms=50, max_deliveries=3), "c1")

    async def dead() -> int:
        return int(await redis.xlen(STREAM + ".dead"))

    async with asyncio.timeout(15):
        while await dead() == 0:
            await consumer.run_once()
            await asyncio.sleep(0.06)
    assert attempts == 3
    [(_, fields)] = await redis.xrange(STREAM + ".dead")
    record = {k.decode(): v.decode() for k, v in fields.items()}
    assert record["original_id"] == entry_id
    assert record["group"] == GROUP
    assert record["error"] == "ValueError: cannot handle this (attempt 3)"
    assert CanaryPing.model_validate_json(record["data"]).origin == "poison"
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_an_entry_whose_workers_keep_dying_is_dead_lettered_not_retried_forever(redis: Redis) -> None:
    handled: list[str] = []

    async def handle(ping: CanaryPing, _: Delivery) -> None:
        handled.append(ping.origin)

    await ensure_group(redis, STREAM, GROUP)
    await StreamBus(redis).publish(STREAM, _ping("kills-workers"))
    # Three consumers take it in turn and "die" (never ack): simulated with raw reads and claims.
    await redis.xreadgroup(GROUP, "w1", {STREAM: ">"})
    for worker in ("w2", "w3"):
        await asyncio.sleep(0.06)
        await redis.xautoclaim(STREAM, GROUP, worker, min_idle_time=50, start_id="0-0")
    await asyncio.sleep(0.06)
    consumer = StreamConsumer(redis, _subscription(handle, min_idle_ms=50, max_deliveries=3), "c1")
    await consumer.run_once()
    assert handled == []
    [(_, fields)] = await redis.xrange(STREAM + ".dead")
    assert b"no consumer finished it" in fields[b"error"]


async def test_a_malformed_entry_is_dead_lettered_at_once_and_the_consumer_goes_on(redis: Redis) -> None:
    handled: list[str] = []

    async def handle(ping: CanaryPing, _: Delivery) -> None:
        handled.append(ping.origin)

    await ensure_group(redis, STREAM, GROUP)
    await redis.xadd(STREAM, {"data": '{"type": "ops.canary_ping", "origin": 5}'})
    await redis.xadd(STREAM, {"nothing": "here"})
    await StreamBus(redis).publish(STREAM, _ping("fine"))
    consumer = StreamConsumer(redis, _subscription(handle), "c1")
    await _drain(consumer, lambda: bool(handled))
    assert handled == ["fine"]
    assert await redis.xlen(STREAM + ".dead") == 2
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


@pytest.mark.usefixtures("span_exporter")
async def test_the_consumer_span_continues_the_publisher_trace(
    redis: Redis, span_exporter: InMemorySpanExporter
) -> None:
    span_exporter.clear()
    consumer_trace: list[int] = []

    async def handle(_: CanaryPing, __: Delivery) -> None:
        consumer_trace.append(trace.get_current_span().get_span_context().trace_id)

    await ensure_group(redis, STREAM, GROUP)
    with trace.get_tracer("test").start_as_current_span("user action") as action:
        await StreamBus(redis).publish(STREAM, _ping())
    consumer = StreamConsumer(redis, _subscription(handle), "c1")
    await _drain(consumer, lambda: bool(consumer_trace))
    assert consumer_trace == [action.get_span_context().trace_id]
    process_spans = [s for s in span_exporter.get_finished_spans() if s.name == f"{STREAM} process"]
    assert process_spans[0].context.trace_id == action.get_span_context().trace_id


async def test_departed_consumers_holding_nothing_are_forgotten(redis: Redis) -> None:
    await ensure_group(redis, STREAM, GROUP)
    bus = StreamBus(redis)
    await bus.publish(STREAM, _ping("finished"))
    await bus.publish(STREAM, _ping("held"))
    reply: Any = await redis.xreadgroup(GROUP, "departed", {STREAM: ">"}, count=1)
    finished = reply[0][1][0][0]
    await redis.xack(STREAM, GROUP, finished)  # it finished its work, then its process went away
    await redis.xreadgroup(GROUP, "still-holding", {STREAM: ">"}, count=1)  # took an entry, never acked
    await asyncio.sleep(0.05)
    departed = await GroupConsumer(redis, STREAM, GROUP, "pruner").prune_departed(idle_ms=20)
    assert departed == ["departed"]
    names = {c["name"].decode() for c in await redis.xinfo_consumers(STREAM, GROUP)}
    assert names == {"still-holding"}, "a consumer with pending entries must never be dropped"
