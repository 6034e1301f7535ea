"""One unit of work: a transaction, an optional inbox claim, and events published only after commit.

Every request that changes more than one row, and every stream entry or notification a service handles, runs in
one :class:`UnitOfWork`. The kit opens it (as a request's dependency, :data:`storycam.kit.deps.Work`; around a
stream handler, :func:`in_unit_of_work`; around a Telegram update, the gateway's dispatch) and commits it when the
work returned, or rolls it back when it raised; services and handlers receive it and never open or commit a
transaction themselves. Repositories take ``await work.connection()``.

* The transaction begins on first use, so work that turns out to need no database costs nothing.
* :meth:`UnitOfWork.claim` records an inbox key in the same transaction (``ON CONFLICT DO NOTHING``): a redelivered
  webhook, notification or event finds its key taken and is answered as done without being done again. Two
  deliveries at the same moment serialise on the key's index: the second waits for the first to commit (then
  skips) or roll back (then does the work).
* :meth:`UnitOfWork.publish` writes the event to the outbox in the same transaction; the relay is woken only after
  the commit, so a rolled-back unit publishes nothing and a committed one publishes without waiting for a poll.

A single statement on the pool is already its own transaction: a hot path with one guarded write (a story step)
does not need a unit of work, and pays no BEGIN/COMMIT round trips for one.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Final, Protocol, TypeVar

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction
from pydantic import BaseModel

from storycam.kit import outbox
from storycam.kit.bus import Delivery, Handler
from storycam.kit.db import Connection
from storycam.kit.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")

# Used by every service's migration that adds the inbox; the table lives in the service's schema (the search path).
INBOX_DDL: Final = """
CREATE TABLE inbox (
    key text PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now()
)
"""
INBOX_RECEIVED_INDEX_DDL: Final = "CREATE INDEX inbox_received_at ON inbox (received_at)"


class Wakeable(Protocol):
    """What the unit of work wakes after a commit that published something: the outbox relay."""

    def wake(self) -> None: ...


class UnitOfWork:
    """Use through :func:`unit_of_work` (or the kit's wrappers), never by hand-opening it in a service."""

    def __init__(self, db: asyncpg.Pool, relay: Wakeable | None) -> None:
        self._db = db
        self._relay = relay
        self._connection: PoolConnectionProxy | None = None
        self._transaction: Transaction | None = None
        self._published = False
        self._after_commit: list[Callable[[], Awaitable[None] | None]] = []

    @property
    def begun(self) -> bool:
        return self._transaction is not None

    async def connection(self) -> Connection:
        """The unit's connection, inside its transaction (begun now if this is the first use)."""
        if self._connection is None:
            self._connection = await self._db.acquire()
            self._transaction = self._connection.transaction()
            try:
                await self._transaction.start()
            except BaseException:
                await self._release()
                raise
        return self._connection

    async def claim(self, key: str) -> bool:
        """Claim an inbox key for this unit: True when it is new (do the work), False when it was done before."""
        connection = await self.connection()
        inserted = await connection.fetchval(
            "INSERT INTO inbox (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING true", key
        )
        return bool(inserted)

    async def publish(self, stream: str, event: BaseModel) -> None:
        """Publish ``event`` to ``stream`` once this unit commits; nothing if it rolls back."""
        await outbox.enqueue(await self.connection(), stream, event)
        self._published = True

    def after_commit(self, action: Callable[[], Awaitable[None] | None]) -> None:
        """Run ``action`` once the unit committed (a cache to drop, a key to forget); never if it rolled back.
        Its failure is logged, not raised: the work is done and stays done."""
        self._after_commit.append(action)

    async def _commit(self) -> None:
        try:
            if self._transaction is not None:
                await self._transaction.commit()
        finally:
            await self._release()  # a failed commit too: the pool's reset rolls the connection back
        if self._published and self._relay is not None:
            self._relay.wake()
        for action in self._after_commit:
            try:
                result = action()
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                log.warning("uow.after_commit_failed", error=f"{type(exc).__name__}: {exc}"[:300])

    async def _rollback(self) -> None:
        try:
            if self._transaction is not None and not self._connection_closed():
                await self._transaction.rollback()
        finally:
            await self._release()

    def _connection_closed(self) -> bool:
        return self._connection is None or self._connection.is_closed()

    async def _release(self) -> None:
        connection, self._connection, self._transaction = self._connection, None, None
        if connection is not None:
            await self._db.release(connection)


@asynccontextmanager
async def unit_of_work(db: asyncpg.Pool, relay: Wakeable | None = None) -> AsyncIterator[UnitOfWork]:
    """Commit when the block returns, roll back when it raises (and re-raise)."""
    work = UnitOfWork(db, relay)
    try:
        yield work
    except BaseException:
        await work._rollback()
        raise
    await work._commit()


async def in_unit_of_work(
    db: asyncpg.Pool,
    relay: Wakeable | None,
    work: Callable[[UnitOfWork], Awaitable[T]],
    *,
    inbox_key: str | None = None,
) -> T | None:
    """Run ``work`` in a unit of work, once per ``inbox_key``: None (and nothing done) when the key was claimed
    before. The wrapper of stream handlers and webhooks."""
    async with unit_of_work(db, relay) as unit:
        if inbox_key is not None and not await unit.claim(inbox_key):
            log.info("uow.already_done", inbox_key=inbox_key)
            return None
        return await work(unit)


def with_unit_of_work(
    db: asyncpg.Pool,
    relay: Wakeable | None,
    handler: Callable[[T, Delivery, UnitOfWork], Awaitable[None]],
    *,
    inbox_key: Callable[[T, Delivery], str] | None = None,
) -> Handler[T]:
    """A stream handler that runs ``handler`` in a unit of work, once per inbox key when one is given: a
    redelivered or republished event is acked as done. Raising rolls back and leaves the entry for a retry."""

    async def handle(event: T, delivery: Delivery) -> None:
        key = inbox_key(event, delivery) if inbox_key is not None else None
        await in_unit_of_work(db, relay, lambda unit: handler(event, delivery, unit), inbox_key=key)

    return handle
