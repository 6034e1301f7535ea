"""Publish after commit: events written in the request's transaction, relayed to Redis once it commits.

``await outbox.enqueue(connection, stream, event)`` inside a transaction stores the event (and the current trace
context) in the service's ``outbox`` table; a rolled-back transaction publishes nothing. :class:`OutboxRelay`
moves committed rows to their streams. Delivery is at least once (a crash between the append and the delete
repeats an event), so consumers are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import asyncpg
from opentelemetry import propagate
from pydantic import BaseModel

from storycam.kit.bus import StreamBus
from storycam.kit.db import Connection
from storycam.kit.logging import get_logger
from storycam.kit.streams import Ticker

log = get_logger(__name__)

INBOX_KEEP_DAYS = 30  # the unit of work's inbox (storycam.kit.uow), pruned by the relay

# Used by every service's first migration; the table lives in the service's schema (the search path).
OUTBOX_DDL = """
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream text NOT NULL,
    data text NOT NULL,
    trace_context jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


async def enqueue(connection: Connection, stream: str, event: BaseModel) -> None:
    """Store ``event`` for ``stream``; call inside the transaction whose commit should publish it."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    await connection.execute(
        "INSERT INTO outbox (stream, data, trace_context) VALUES ($1, $2, $3)",
        stream,
        event.model_dump_json(),
        carrier,
    )


class OutboxRelay:
    """Moves committed outbox rows to Redis, oldest first. Several replicas may run it (SKIP LOCKED)."""

    def __init__(self, db: asyncpg.Pool, bus: StreamBus, *, batch: int = 100, idle_seconds: float = 0.25) -> None:
        self._db = db
        self._bus = bus
        self._batch = batch
        self._idle = idle_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        """Call after a commit that enqueued something, to relay it without waiting for the next poll."""
        self._wake.set()

    async def relay_once(self) -> int:
        async with self._db.acquire() as connection, connection.transaction():
            rows = await connection.fetch(
                "SELECT id, stream, data, trace_context FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch,
            )
            for row in rows:
                carrier = row["trace_context"]
                await self._bus.publish_raw(
                    row["stream"], row["data"], carrier if isinstance(carrier, dict) else json.loads(carrier)
                )
            if rows:
                await connection.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        return len(rows)

    async def prune_inbox(self) -> int:
        """Forget inbox keys older than any redelivery can be (YooKassa retries for a day; streams for days)."""
        status: str = await self._db.execute(
            "DELETE FROM inbox WHERE received_at < now() - make_interval(days => $1)", INBOX_KEEP_DAYS
        )
        return int(status.split()[-1])

    async def run(self) -> None:
        prune = Ticker(3600.0)
        while not self._stopping.is_set():
            try:
                if prune.due():
                    await self.prune_inbox()
                moved = await self.relay_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # PostgreSQL or Redis away: the rows stay, and we try again
                log.warning("outbox.relay_failed", error=f"{type(exc).__name__}: {exc}")
                moved = 0
                await asyncio.sleep(1.0)
            if moved < self._batch:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._idle)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
