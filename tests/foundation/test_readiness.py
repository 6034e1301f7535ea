"""``/readyz`` tells the truth: 503 while PostgreSQL or Redis is down, 200 again when it returns.

These tests stop only servers they started themselves, never the machine's shared PostgreSQL or Redis.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database
from storycam.kit.migrations import upgrade
from tests.support.services import BY_NAME, build, head_revision, running

pytestmark = pytest.mark.slow


@pytest.fixture
def own_valkey(tmp_path: Path) -> Iterator[EmbeddedValkey]:
    server = EmbeddedValkey(tmp_path / "valkey", port=6392, persist=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path / "pg")
    server.start()
    yield server
    server.stop()


async def _ready_within(client: httpx.AsyncClient, want: int, seconds: float = 15.0) -> dict[str, object]:
    async with asyncio.timeout(seconds):
        while True:
            response = await client.get("/readyz")
            if response.status_code == want:
                body: dict[str, object] = response.json()
                return body
            await asyncio.sleep(0.2)


async def test_readyz_follows_redis_down_and_back(database_url: str, own_valkey: EmbeddedValkey) -> None:
    port = own_valkey.port
    async with running(build(BY_NAME["story"], database_url, own_valkey.url)) as client:
        await _ready_within(client, 200)
        own_valkey.stop()
        body = await _ready_within(client, 503)
        checks = body["checks"]
        assert isinstance(checks, dict)
        assert checks["redis"]["ok"] is False
        assert checks["postgres"]["ok"] is True

        own_valkey.port = port
        own_valkey.start()
        assert own_valkey.port == port
        await _ready_within(client, 200)


async def test_readyz_follows_postgres_down_and_back(redis_url: str, own_postgres: EmbeddedPostgres) -> None:
    await ensure_database(own_postgres.url(), "storycam")
    url = own_postgres.url("storycam")
    service = BY_NAME["payments"]
    await asyncio.to_thread(upgrade, url, service.schema, service.definition.migrations_dir)
    async with running(build(service, url, redis_url)) as client:
        await _ready_within(client, 200)
        await asyncio.to_thread(own_postgres.stop)
        body = await _ready_within(client, 503)
        checks = body["checks"]
        assert isinstance(checks, dict)
        assert checks["postgres"]["ok"] is False
        assert checks["redis"]["ok"] is True

        await asyncio.to_thread(own_postgres.start)
        await _ready_within(client, 200)
        # And the service really works again, not only the probe.
        about = await client.get("/internal/v1/about")
        assert about.json()["schema_revision"] == head_revision(service)


async def test_a_service_starts_while_redis_is_away_and_gets_ready_when_it_returns(
    database_url: str, own_valkey: EmbeddedValkey
) -> None:
    port = own_valkey.port
    url = own_valkey.url
    own_valkey.stop()
    async with running(build(BY_NAME["media"], database_url, url)) as client:
        body = await _ready_within(client, 503)
        assert body["checks"]["redis"]["ok"] is False
        own_valkey.port = port
        own_valkey.start()
        await _ready_within(client, 200)
        # Its consumers made their groups once Redis was back: a canary reaches it.
        assert (await client.post("/internal/v1/ops/canary")).status_code == 202
        redis: Redis = Redis.from_url(url)
        try:
            async with asyncio.timeout(15):
                while not await redis.xinfo_groups("ops.canary"):
                    await asyncio.sleep(0.1)
        finally:
            await redis.aclose()
