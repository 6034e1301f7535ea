"""What every benchmark runs on: PostgreSQL and Redis (the given ones, or embedded), free ports, log files."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database_sync

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def datastores(database: str, redis_db: int, valkey_port: int) -> Iterator[tuple[str, str]]:
    """DATABASE_URL's server with a bench database of its own and REDIS_URL's Redis at ``redis_db`` (the machine's
    servers on CI), or embedded servers in a temporary directory when those are unset."""
    with contextlib.ExitStack() as stack:
        admin = os.environ.get("DATABASE_URL")
        if not admin:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="storycam-bench-"))
            postgres = EmbeddedPostgres(Path(tmp) / "pg")
            postgres.start()
            stack.callback(postgres.stop)
            admin = postgres.url("postgres")
        ensure_database_sync(admin, database)
        database_url = urlunsplit(urlsplit(admin)._replace(path=f"/{database}"))
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            redis_url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{redis_db}"))
        else:
            valkey = EmbeddedValkey(
                Path(stack.enter_context(tempfile.TemporaryDirectory())), port=valkey_port, persist=False
            )
            valkey.start()
            stack.callback(valkey.stop)
            redis_url = valkey.url
        yield database_url, redis_url
