"""Helpers for the charges, account and lifecycle tests: funded users and paid premium periods on real PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import asyncpg
from cryptography.fernet import Fernet

from storycam.contracts.payments import ChargeKind, ChargeRequest
from storycam.payments.catalogue.models import Grants
from storycam.payments.charges import service as charges
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.charges.trial_marks import mark_keys
from storycam.payments.ledger import service as ledger
from storycam.payments.money import Currency, Money
from storycam.payments.purchases import repository as purchases
from storycam.payments.settings import Provider

POLICY = ChargePolicy(
    classic_per_day=3,
    classic_credits=1,
    ai_credits=2,
    ai_trial=True,
    timezone=ZoneInfo("Europe/Moscow"),
    ttl=timedelta(minutes=30),
    trial_mark_keys=mark_keys([Fernet.generate_key().decode()]),
)


async def fund(pool: asyncpg.Pool, user: int, credits: int) -> None:
    async with pool.acquire() as connection, connection.transaction():
        await ledger.grant(connection, user, credits, f"test-{uuid4()}", reason="test")


async def paid_period(
    pool: asyncpg.Pool,
    user: int,
    *,
    start: datetime,
    days: int = 30,
    ai_videos: int = 0,
    product_id: str = "premium-month",
    status: str = "succeeded",
) -> tuple[int, UUID]:
    """A premium period a succeeded purchase gave, as the purchase flow writes it; (subscription id, purchase id)."""
    purchase = await purchases.insert(
        pool,
        purchase_id=uuid4(),
        user_id=user,
        product_id=product_id,
        provider=Provider.YOOKASSA,
        price=Money(amount=Decimal("500.00"), currency=Currency.RUB),
        grants=Grants(premium_days=days, premium_stories=True, ai_videos_per_period=ai_videos),
    )
    await pool.execute("UPDATE purchases SET status = $2 WHERE id = $1", purchase.id, status)
    subscription_id: int = await pool.fetchval(
        """
        INSERT INTO subscriptions (user_id, plan, source, active_from, active_until, purchase_id, product_id)
        VALUES ($1, 'premium', 'yookassa', $2, $3, $4, $5) RETURNING id
        """,
        user,
        start,
        start + timedelta(days=days),
        purchase.id,
        product_id,
    )
    return subscription_id, purchase.id


async def charge(
    pool: asyncpg.Pool,
    user: int,
    kind: ChargeKind,
    key: str,
    *,
    now: datetime | None = None,
    policy: ChargePolicy = POLICY,
) -> str:
    """Charge through the service; the source that paid, or "refused" (402)."""
    async with pool.acquire() as connection, connection.transaction():
        try:
            made, _ = await charges.charge(connection, user, ChargeRequest(key=key, kind=kind), policy, now=now)
        except ledger.InsufficientCredits:
            return "refused"
    return made.source


async def close(pool: asyncpg.Pool, user: int, key: str, how: str) -> str:
    async with pool.acquire() as connection, connection.transaction():
        closed = await (charges.settle if how == "settle" else charges.release)(connection, user, key)
    return closed.state


async def credits(pool: asyncpg.Pool, user: int) -> tuple[int, int]:
    current = await ledger.balance(pool, user)
    return current.available, current.held
