"""SQL for what the account reads beyond the other modules: a Stars subscription's renewal."""

from __future__ import annotations

from storycam.contracts.payments import Renewal
from storycam.kit.db import Executor


async def renewal(db: Executor, user_id: int) -> Renewal | None:
    row = await db.fetchrow(
        "SELECT provider, auto_renew, telegram_payment_charge_id FROM renewals WHERE user_id = $1", user_id
    )
    return Renewal(**dict(row)) if row else None
