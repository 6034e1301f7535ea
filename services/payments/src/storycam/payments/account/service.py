"""Everything ``/balance`` shows, read in one go (no lock: a moment's view)."""

from __future__ import annotations

from datetime import UTC, datetime

from storycam.contracts.payments import Account
from storycam.kit.db import Executor
from storycam.payments.account import repository
from storycam.payments.charges import service as charges
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.ledger import service as ledger
from storycam.payments.lifecycle import service as lifecycle
from storycam.payments.subscriptions import service as subscriptions


async def account(db: Executor, user_id: int, policy: ChargePolicy, *, now: datetime | None = None) -> Account:
    now = now or datetime.now(UTC)
    premium = await subscriptions.entitlements(db, user_id, now=now)
    credits = await ledger.balance(db, user_id)
    return Account(
        user_id=user_id,
        premium=premium.premium,
        premium_until=await lifecycle.premium_end(db, user_id) if premium.premium else None,
        renewal=await repository.renewal(db, user_id),
        credits=credits.available,
        credits_held=credits.held,
        allowances=await charges.allowances(db, user_id, policy, now=now),
    )
