"""Each service migrates its own schema with Alembic, independently and repeatably."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storycam.devstack.datastores import ensure_database
from storycam.kit.migrations import downgrade, upgrade
from tests.support.databases import with_database
from tests.support.services import SERVICE_MODULES, ServiceModule, migrations_dir


async def _tables(connection: asyncpg.Connection, schema: str) -> set[str]:
    rows = await connection.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
    return {r["table_name"] for r in rows}


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_each_service_owns_a_migrated_schema(service: ServiceModule, db: asyncpg.Connection) -> None:
    tables = await _tables(db, service.schema)
    assert {"alembic_version", "outbox"} <= tables
    version = await db.fetchval(f'SELECT version_num FROM "{service.schema}".alembic_version')
    assert version is not None


async def test_upgrade_is_repeatable_and_downgrade_removes_what_it_made(
    postgres_admin_url: str, database_url: str
) -> None:
    # A database of this test's own, so the session's migrated schemas stay untouched.
    name = "storycam_test_migrate_roundtrip"
    await ensure_database(postgres_admin_url, name)
    url = with_database(database_url, name)
    service = SERVICE_MODULES[1]
    connection = await asyncpg.connect(url)
    try:
        await asyncio.to_thread(upgrade, url, service.schema, migrations_dir(service))
        await asyncio.to_thread(upgrade, url, service.schema, migrations_dir(service))  # a second run changes nothing
        assert "outbox" in await _tables(connection, service.schema)
        others = {s.schema for s in SERVICE_MODULES} - {service.schema}
        present = {
            r["schema_name"] for r in await connection.fetch("SELECT schema_name FROM information_schema.schemata")
        }
        assert not others & present, "one service's migrations created another service's schema"

        await asyncio.to_thread(downgrade, url, service.schema, migrations_dir(service), "base")
        assert "outbox" not in await _tables(connection, service.schema)
        await asyncio.to_thread(upgrade, url, service.schema, migrations_dir(service))
        assert "outbox" in await _tables(connection, service.schema)
    finally:
        await connection.close()
        admin = await asyncpg.connect(postgres_admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
