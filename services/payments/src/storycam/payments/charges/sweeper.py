"""The sweeper: releases charges and credit holds that outlived their expiry (a job died without closing them).

Charges first: a charge paid by credits releases its ledger hold itself, so the ledger's sweep then finds only
holds made outside charges. Every replica runs it; both sweeps re-read each row under its user's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from storycam.kit.uow import Wakeable, unit_of_work
from storycam.payments.charges import service as charges
from storycam.payments.ledger import service as ledger

BATCH = 100


@dataclass(frozen=True)
class Swept:
    charges: int
    holds: int


async def sweep(db: asyncpg.Pool, relay: Wakeable | None = None, *, now: datetime | None = None) -> Swept:
    """One round: batches of ``BATCH`` in a transaction each, until a batch finds less than a full one."""
    now = now or datetime.now(UTC)
    swept_charges = swept_holds = 0
    while True:
        async with unit_of_work(db, relay) as work:
            released = await charges.sweep_expired(await work.connection(), now=now, limit=BATCH)
        swept_charges += released
        if released < BATCH:
            break
    while True:
        async with unit_of_work(db, relay) as work:
            released = await ledger.sweep_expired_holds(await work.connection(), now=now, limit=BATCH)
        swept_holds += released
        if released < BATCH:
            break
    return Swept(charges=swept_charges, holds=swept_holds)
