"""The sweeper: releases charges and credit holds that outlived their expiry (a job died without closing them).

Charges first: a charge paid by credits releases its ledger hold itself, so the ledger's sweep then finds only
holds made outside charges. Every replica runs it; both sweeps re-read each row under its user's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import asyncpg

from storycam.kit.db import Connection
from storycam.kit.uow import Wakeable, unit_of_work
from storycam.payments.charges import service as charges
from storycam.payments.ledger import service as ledger

BATCH = 100


@dataclass(frozen=True)
class Swept:
    charges: int
    holds: int


class Sweep(Protocol):
    async def __call__(self, connection: Connection, *, now: datetime | None = None, limit: int = 100) -> int: ...


async def _in_batches(db: asyncpg.Pool, relay: Wakeable | None, sweep_once: Sweep, now: datetime) -> int:
    """``sweep_once`` in transactions of ``BATCH`` rows each, until one finds less than a full batch."""
    total = 0
    while True:
        async with unit_of_work(db, relay) as work:
            released = await sweep_once(await work.connection(), now=now, limit=BATCH)
        total += released
        if released < BATCH:
            return total


async def sweep(db: asyncpg.Pool, relay: Wakeable | None = None, *, now: datetime | None = None) -> Swept:
    """One round: the charges, then the ledger's own holds."""
    now = now or datetime.now(UTC)
    return Swept(
        charges=await _in_batches(db, relay, charges.sweep_expired, now),
        holds=await _in_batches(db, relay, ledger.sweep_expired_holds, now),
    )
