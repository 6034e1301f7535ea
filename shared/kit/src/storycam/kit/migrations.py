"""Alembic migrations, one schema per service, driven through asyncpg (no second database driver).

A service keeps its revisions in ``<package>/migrations/versions`` and an ``env.py`` of one line that calls
:func:`run_alembic_env`. The version table lives in the service's own schema, so services migrate independently.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storycam.kit.db import VERSION_TABLE


def alembic_config(database_url: str, schema: str, migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = database_url
    config.attributes["schema"] = schema
    return config


def upgrade(database_url: str, schema: str, migrations_dir: Path, revision: str = "head") -> None:
    """Bring the schema to ``revision``. Blocking: call it from a thread inside an event loop."""
    command.upgrade(alembic_config(database_url, schema, migrations_dir), revision)


def downgrade(database_url: str, schema: str, migrations_dir: Path, revision: str) -> None:
    command.downgrade(alembic_config(database_url, schema, migrations_dir), revision)


def _engine(database_url: str) -> Any:
    # asyncpg parses the URL itself (including ?host=/socket/dir), so SQLAlchemy never has to.
    return create_async_engine(
        "postgresql+asyncpg://", async_creator=lambda: asyncpg.connect(database_url), poolclass=NullPool
    )


def run_alembic_env() -> None:
    """The body of every service's ``env.py``."""
    config = context.config
    schema: str = config.attributes["schema"]
    database_url: str = config.attributes["database_url"]

    def migrate(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}", public'))
        # Several replicas may start at once: one migrates, the others wait for it.
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"migrate:{schema}"})
        context.configure(
            connection=connection,
            version_table_schema=schema,
            version_table=VERSION_TABLE,
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = _engine(database_url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(main())


__all__ = ["alembic_config", "downgrade", "run_alembic_env", "upgrade"]
