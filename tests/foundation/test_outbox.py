"""Publish after commit: a rolled-back transaction publishes nothing; a committed one is relayed with its trace."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from storycam.contracts.events import CanaryPing
from storycam.kit import outbox
from storycam.kit.bus import StreamBus
from storycam.kit.db import create_pool


class _Rollback(Exception):
    pass


@pytest.mark.usefixtures("span_exporter")
async def test_only_committed_events_are_relayed(database_url: str, redis: Redis) -> None:
    pool = await create_pool(database_url, schema="payments")
    try:
        kept = CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin="committed")
        dropped = CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin="rolled-back")

        async def enqueue_then_fail() -> None:
            async with pool.acquire() as connection, connection.transaction():
                await outbox.enqueue(connection, "test.outbox", dropped)
                raise _Rollback

        with pytest.raises(_Rollback):
            await enqueue_then_fail()
        with trace.get_tracer("test").start_as_current_span("request") as request_span:
            async with pool.acquire() as connection, connection.transaction():
                await outbox.enqueue(connection, "test.outbox", kept)

        relay = outbox.OutboxRelay(pool, StreamBus(redis))
        assert await relay.relay_once() == 1
        assert await relay.relay_once() == 0  # relayed rows are gone

        [(_, fields)] = await redis.xrange("test.outbox")
        assert CanaryPing.model_validate_json(fields[b"data"]) == kept
        trace_id = format(request_span.get_span_context().trace_id, "032x")
        assert trace_id in fields[b"traceparent"].decode()
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    finally:
        await pool.close()


async def test_the_relay_keeps_rows_when_redis_refuses(database_url: str, redis: Redis) -> None:
    pool = await create_pool(database_url, schema="media")
    try:
        async with pool.acquire() as connection, connection.transaction():
            await outbox.enqueue(
                connection, "test.outbox", CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin="waits")
            )
        broken: Redis = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
        with pytest.raises(RedisConnectionError):
            await outbox.OutboxRelay(pool, StreamBus(broken)).relay_once()
        await broken.aclose()
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 1
        assert await outbox.OutboxRelay(pool, StreamBus(redis)).relay_once() == 1
        assert await redis.xlen("test.outbox") == 1
    finally:
        await pool.execute("DELETE FROM outbox")
        await pool.close()
