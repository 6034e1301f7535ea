"""The purchases and credit ledger migrations go down cleanly and come back up."""

from __future__ import annotations

import asyncio
import secrets

import asyncpg

from storycam.devstack.datastores import ensure_database
from storycam.kit.migrations import downgrade, upgrade
from tests.support.databases import with_database
from tests.support.services import BY_NAME, migrations_dir

PAYMENTS = BY_NAME["payments"]
NEW_TABLES = {"purchases", "credit_entries", "credit_balances", "credit_open_holds", "charges"}


async def _tables(connection: asyncpg.Connection) -> set[str]:
    rows = await connection.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'payments'")
    return {r["table_name"] for r in rows}


async def test_down_to_before_purchases_and_up_again(postgres_admin_url: str, database_url: str) -> None:
    # A database of this test's own, so the session's migrated schema stays untouched.
    name = f"storycam_test_payments_{secrets.token_hex(4)}"
    await ensure_database(postgres_admin_url, name)
    url = with_database(database_url, name)
    where = (url, PAYMENTS.schema, migrations_dir(PAYMENTS))
    connection = await asyncpg.connect(url)
    try:
        await asyncio.to_thread(upgrade, *where)
        assert await _tables(connection) >= NEW_TABLES
        function = "SELECT to_regprocedure('payments.credit_entries_append_only()')"
        assert await connection.fetchval(function) is not None
        await asyncio.to_thread(downgrade, *where, "0003")
        assert not NEW_TABLES & await _tables(connection)
        assert "subscriptions" in await _tables(connection)
        assert await connection.fetchval(function) is None
        await asyncio.to_thread(upgrade, *where)
        assert await _tables(connection) >= NEW_TABLES
    finally:
        await connection.close()
        admin = await asyncpg.connect(postgres_admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
