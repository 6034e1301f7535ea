"""SQL for the purchases table, and nothing else."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg

from storycam.contracts.payments import ResumeStory
from storycam.kit.db import Connection, Executor
from storycam.payments.catalogue.models import Grants
from storycam.payments.money import Money
from storycam.payments.purchases.models import Purchase, PurchaseStatus
from storycam.payments.settings import Provider

_COLUMNS = (
    "id, user_id, product_id, provider, amount, currency, grants, status, provider_payment_id, created_at, updated_at,"
    " chat_id, language, resume, checkout_key, confirmation_url, renewal_of, refunded_amount, credits_taken,"
    " credits_shortfall"
)
UNPAID_SHOWN = timedelta(days=1)  # how long an unpaid checkout is listed in the user's payments


@dataclass(frozen=True)
class Checkout:
    """What a checkout adds to a purchase: the tap's key, where to tell the user, where the story resumes."""

    key: str | None = None
    chat_id: int | None = None
    language: str = "en"
    resume: ResumeStory | None = None
    personal: bytes | None = None
    renewal_of: UUID | None = None


def _purchase(row: asyncpg.Record) -> Purchase:
    values = dict(row)
    values["price"] = Money(amount=values.pop("amount"), currency=values.pop("currency"))
    return Purchase(**values)


async def insert(
    db: Executor,
    *,
    purchase_id: UUID,
    user_id: int,
    product_id: str,
    provider: Provider,
    price: Money,
    grants: Grants,
    checkout: Checkout | None = None,
) -> Purchase | None:
    """The new purchase; None when the user already opened one under ``checkout.key`` (nothing inserted)."""
    checkout = checkout or Checkout()
    row = await db.fetchrow(
        f"""
        INSERT INTO purchases
            (id, user_id, product_id, provider, amount, currency, grants, checkout_key, chat_id, language, resume,
             personal, renewal_of)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (user_id, checkout_key) WHERE checkout_key IS NOT NULL DO NOTHING
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        purchase_id,
        user_id,
        product_id,
        provider.value,
        price.amount,
        price.currency.value,
        grants.model_dump(mode="json"),
        checkout.key,
        checkout.chat_id,
        checkout.language,
        checkout.resume.model_dump(mode="json") if checkout.resume else None,
        checkout.personal,
        checkout.renewal_of,
    )
    return _purchase(row) if row else None


async def by_checkout_key(db: Executor, user_id: int, key: str) -> Purchase | None:
    row = await db.fetchrow(
        f"SELECT {_COLUMNS} FROM purchases WHERE user_id = $1 AND checkout_key = $2",  # noqa: S608
        user_id,
        key,
    )
    return _purchase(row) if row else None


async def set_confirmation_url(db: Executor, purchase_id: UUID, url: str) -> None:
    await db.execute("UPDATE purchases SET confirmation_url = $2 WHERE id = $1", purchase_id, url)


async def set_personal(db: Executor, purchase_id: UUID, sealed: bytes | None) -> None:
    await db.execute("UPDATE purchases SET personal = $2 WHERE id = $1", purchase_id, sealed)


async def personal(db: Executor, purchase_id: UUID) -> bytes | None:
    value: bytes | None = await db.fetchval("SELECT personal FROM purchases WHERE id = $1", purchase_id)
    return value


async def record_refund(
    db: Executor, purchase_id: UUID, *, refunded: Decimal, credits_taken: int, credits_short: int
) -> Purchase:
    """Add a refund to the purchase; the whole price refunded makes it ``refunded``."""
    row = await db.fetchrow(
        f"""
        UPDATE purchases
        SET refunded_amount = refunded_amount + $2,
            credits_taken = credits_taken + $3,
            credits_shortfall = credits_shortfall + $4,
            status = CASE WHEN refunded_amount + $2 >= amount THEN 'refunded' ELSE status END,
            updated_at = now()
        WHERE id = $1
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        purchase_id,
        refunded,
        credits_taken,
        credits_short,
    )
    assert row is not None
    return _purchase(row)


async def pending_with_provider(db: Executor, provider: Provider, before: datetime, limit: int = 100) -> list[Purchase]:
    """Purchases of ``provider`` opened before ``before``, still pending and with a provider payment, oldest first."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM purchases WHERE status = 'pending' AND created_at < $1 "  # noqa: S608
        "AND provider = $2 AND provider_payment_id IS NOT NULL ORDER BY created_at LIMIT $3",
        before,
        provider.value,
        limit,
    )
    return [_purchase(row) for row in rows]


async def unlink_user(db: Executor, user_id: int, surrogate: int) -> int:
    """Erasure: the user's purchases keep their accounting facts under ``surrogate``; personal fields go."""
    status: str = await db.execute(
        "UPDATE purchases SET user_id = $2, personal = NULL, chat_id = NULL, resume = NULL, checkout_key = NULL, "
        "erased_at = now() WHERE user_id = $1",
        user_id,
        surrogate,
    )
    return int(status.split()[-1])


async def get(db: Executor, purchase_id: UUID) -> Purchase | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS} FROM purchases WHERE id = $1", purchase_id)  # noqa: S608
    return _purchase(row) if row else None


async def lock(connection: Connection, purchase_id: UUID) -> Purchase | None:
    """The purchase, locked until the transaction ends: two notifications of one payment act one after another."""
    row = await connection.fetchrow(
        f"SELECT {_COLUMNS} FROM purchases WHERE id = $1 FOR UPDATE",  # noqa: S608 - constant column list
        purchase_id,
    )
    return _purchase(row) if row else None


async def by_provider_payment(db: Executor, provider: Provider, provider_payment_id: str) -> Purchase | None:
    row = await db.fetchrow(
        f"SELECT {_COLUMNS} FROM purchases WHERE provider = $1 AND provider_payment_id = $2",  # noqa: S608
        provider.value,
        provider_payment_id,
    )
    return _purchase(row) if row else None


async def attach_provider_payment(db: Executor, purchase_id: UUID, provider_payment_id: str) -> Purchase | None:
    """Record the provider's id for the payment (again: a no-op); None if the purchase already has another one,
    which is never replaced."""
    row = await db.fetchrow(
        f"""
        UPDATE purchases
        SET provider_payment_id = $2,
            updated_at = CASE WHEN provider_payment_id IS NULL THEN now() ELSE updated_at END
        WHERE id = $1 AND (provider_payment_id IS NULL OR provider_payment_id = $2)
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        purchase_id,
        provider_payment_id,
    )
    return _purchase(row) if row else None


async def move(
    db: Executor, purchase_id: UUID, *, from_statuses: Collection[PurchaseStatus], to: PurchaseStatus
) -> Purchase | None:
    """Change the status only from one of ``from_statuses``; None when the purchase is not in one of them."""
    row = await db.fetchrow(
        f"""
        UPDATE purchases SET status = $3, updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[])
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - constant column list
        purchase_id,
        [status.value for status in from_statuses],
        to.value,
    )
    return _purchase(row) if row else None


async def recent(db: Executor, user_id: int, limit: int = 10) -> list[Purchase]:
    """The user's latest purchases, newest first (``/payments``). A checkout still unpaid after ``UNPAID_SHOWN`` is
    one the user walked away from (an invoice never paid, a wallet page closed): not a payment worth a line. It
    stays on record, and shows again if it is paid after all."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM purchases WHERE user_id = $1 "  # noqa: S608
        "AND (status <> 'pending' OR created_at > now() - $3::interval) ORDER BY created_at DESC, id LIMIT $2",
        user_id,
        limit,
        UNPAID_SHOWN,
    )
    return [_purchase(row) for row in rows]


async def pending_since(db: Executor, before: datetime, limit: int = 100) -> list[Purchase]:
    """Purchases still pending that were made before ``before``, oldest first (for the reconciler)."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM purchases WHERE status = 'pending' AND created_at < $1 "  # noqa: S608
        "ORDER BY created_at LIMIT $2",
        before,
        limit,
    )
    return [_purchase(row) for row in rows]
