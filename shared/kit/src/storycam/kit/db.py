"""The asyncpg pool every service uses. Each service works in its own schema, set as the search path."""

from __future__ import annotations

import json

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection of its own, or one borrowed from the pool (inside a transaction, say).
Connection = asyncpg.Connection | PoolConnectionProxy
# What a repository runs a query on: a connection, or the pool itself for a single statement.
Executor = Connection | asyncpg.Pool
# Alembic's version table, one per schema (here so a running service reads it without importing Alembic).
VERSION_TABLE = "alembic_version"


async def _init_connection(connection: asyncpg.Connection) -> None:
    # JSON columns come back as Python objects and go in from them.
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _end_open_transaction(connection: asyncpg.Connection) -> None:
    """What a returned connection needs before its next user. asyncpg's default also runs RESET ALL, UNLISTEN and
    unlocks advisory locks: a round trip per query that no service needs, since none sets session state."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def create_pool(database_url: str, *, schema: str, max_size: int = 10) -> asyncpg.Pool:
    """A lazy pool: it connects on first use, so a service starts (and reports not-ready) while PostgreSQL is away."""
    pool = await asyncpg.create_pool(
        database_url,
        min_size=0,
        max_size=max_size,
        init=_init_connection,
        reset=_end_open_transaction,
        server_settings={"search_path": f"{schema},public", "application_name": f"storycam-{schema}"},
        command_timeout=30,
    )
    assert pool is not None
    return pool


async def current_revision(pool: asyncpg.Pool, schema: str) -> str | None:
    """The revision a running service's schema is at, or None before the first migration."""
    exists = await pool.fetchval("SELECT to_regclass($1)", f"{schema}.{VERSION_TABLE}")
    if exists is None:
        return None
    value: str | None = await pool.fetchval(f'SELECT version_num FROM "{schema}".{VERSION_TABLE} LIMIT 1')  # noqa: S608 - schema is ours
    return value
