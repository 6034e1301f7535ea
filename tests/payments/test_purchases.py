"""Purchases: opened only for what the catalogue sells through an offered provider; the record webhooks match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import asyncpg
import pytest

from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.catalogue.models import Grants
from storycam.payments.money import Currency, Money
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import PurchaseStatus
from storycam.payments.purchases.service import ProviderNotOffered, UnknownProduct, open_purchase
from storycam.payments.settings import Provider
from tests.story.support import new_user

CATALOGUE = load_catalogue()
ALL = frozenset(Provider)


async def count(pool: asyncpg.Pool, user: int) -> int:
    value: int = await pool.fetchval("SELECT count(*) FROM purchases WHERE user_id = $1", user)
    return value


async def test_a_purchase_is_opened_at_the_catalogue_s_price_with_what_it_grants(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    by_card = await open_purchase(
        payments_pool, CATALOGUE, ALL, user_id=user, product_id="premium-month", provider=Provider.YOOKASSA
    )
    by_stars = await open_purchase(
        payments_pool, CATALOGUE, ALL, user_id=user, product_id="premium-month", provider=Provider.STARS
    )
    assert by_card.price == Money(amount=Decimal("500.00"), currency=Currency.RUB)
    assert by_stars.price == Money(amount=Decimal(300), currency=Currency.XTR)
    assert by_card.status is by_stars.status is PurchaseStatus.PENDING
    assert by_card.grants == CATALOGUE.products[0].grants
    assert by_card.provider_payment_id is None
    assert by_card.id != by_stars.id
    assert await purchases.get(payments_pool, by_card.id) == by_card


@pytest.mark.parametrize(
    ("product_id", "provider", "offered", "refusal"),
    [
        ("premium-year", Provider.YOOKASSA, ALL, UnknownProduct),
        ("premium-month", Provider.YOOMONEY, frozenset({Provider.STARS, Provider.YOOKASSA}), ProviderNotOffered),
    ],
)
async def test_what_is_not_for_sale_that_way_opens_nothing(
    payments_pool: asyncpg.Pool,
    product_id: str,
    provider: Provider,
    offered: frozenset[Provider],
    refusal: type[Exception],
) -> None:
    user = new_user()
    with pytest.raises(refusal):
        await open_purchase(payments_pool, CATALOGUE, offered, user_id=user, product_id=product_id, provider=provider)
    assert await count(payments_pool, user) == 0


async def test_a_product_without_a_stars_price_is_not_sold_for_stars(payments_pool: asyncpg.Pool) -> None:
    rub_only = CATALOGUE.model_copy(
        update={
            "products": (
                CATALOGUE.products[0].model_copy(
                    update={"price": CATALOGUE.products[0].price.model_copy(update={"stars": None})}
                ),
            )
        }
    )
    user = new_user()
    with pytest.raises(ProviderNotOffered):
        await open_purchase(
            payments_pool, rub_only, ALL, user_id=user, product_id="premium-month", provider=Provider.STARS
        )
    assert await count(payments_pool, user) == 0


async def test_a_provider_payment_is_attached_once_and_finds_its_purchase(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    opened = await open_purchase(
        payments_pool, CATALOGUE, ALL, user_id=user, product_id="ai-videos-5", provider=Provider.YOOKASSA
    )
    payment_id = f"yk-{uuid4()}"
    attached = await purchases.attach_provider_payment(payments_pool, opened.id, payment_id)
    assert attached is not None
    assert attached.provider_payment_id == payment_id
    assert await purchases.attach_provider_payment(payments_pool, opened.id, payment_id) == attached  # a retry
    assert await purchases.attach_provider_payment(payments_pool, opened.id, "yk-other") is None
    assert await purchases.by_provider_payment(payments_pool, Provider.YOOKASSA, payment_id) == attached
    assert await purchases.by_provider_payment(payments_pool, Provider.YOOMONEY, payment_id) is None

    another = await open_purchase(
        payments_pool, CATALOGUE, ALL, user_id=user, product_id="ai-videos-5", provider=Provider.YOOKASSA
    )
    with pytest.raises(asyncpg.UniqueViolationError):
        await purchases.attach_provider_payment(payments_pool, another.id, payment_id)


async def test_a_status_moves_only_from_where_it_may(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    opened = await open_purchase(
        payments_pool, CATALOGUE, ALL, user_id=user, product_id="premium-month", provider=Provider.STARS
    )
    pending = {PurchaseStatus.PENDING}
    succeeded = await purchases.move(payments_pool, opened.id, from_statuses=pending, to=PurchaseStatus.SUCCEEDED)
    assert succeeded is not None
    assert succeeded.status is PurchaseStatus.SUCCEEDED
    assert succeeded.updated_at >= opened.updated_at
    # A late "canceled" for a payment that already succeeded changes nothing.
    assert await purchases.move(payments_pool, opened.id, from_statuses=pending, to=PurchaseStatus.CANCELED) is None
    async with payments_pool.acquire() as connection, connection.transaction():
        locked = await purchases.lock(connection, opened.id)
        assert locked is not None
        assert locked.status is PurchaseStatus.SUCCEEDED
        refunded = await purchases.move(
            connection, opened.id, from_statuses={PurchaseStatus.SUCCEEDED}, to=PurchaseStatus.REFUNDED
        )
    assert refunded is not None
    assert refunded.status is PurchaseStatus.REFUNDED
    async with payments_pool.acquire() as connection:
        assert await purchases.lock(connection, uuid4()) is None


async def test_the_latest_purchases_come_newest_first_and_the_old_pending_ones_are_found(
    payments_pool: asyncpg.Pool,
) -> None:
    user = new_user()
    opened = [
        await open_purchase(
            payments_pool, CATALOGUE, ALL, user_id=user, product_id="ai-videos-5", provider=Provider.STARS
        )
        for _ in range(12)
    ]
    latest = await purchases.recent(payments_pool, user)
    assert [p.id for p in latest] == [p.id for p in reversed(opened)][:10]
    assert await purchases.recent(payments_pool, new_user()) == []
    await payments_pool.execute(
        "UPDATE purchases SET created_at = now() - interval '2 hours' WHERE id = $1", opened[0].id
    )
    old = await purchases.pending_since(payments_pool, datetime.now(UTC) - timedelta(hours=1), limit=1000)
    assert opened[0].id in {p.id for p in old}
    assert opened[1].id not in {p.id for p in old}


@pytest.mark.parametrize(
    ("provider", "amount", "currency"),
    [("stars", "500.00", "RUB"), ("yookassa", "300", "XTR"), ("stars", "1.50", "XTR"), ("yookassa", "0", "RUB")],
    ids=["stars-in-roubles", "card-in-stars", "half-a-star", "nothing"],
)
async def test_the_table_refuses_prices_that_make_no_sense(
    payments_pool: asyncpg.Pool, provider: str, amount: str, currency: str
) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await payments_pool.execute(
            "INSERT INTO purchases (id, user_id, product_id, provider, amount, currency, grants) "
            "VALUES ($1, $2, 'premium-month', $3, $4, $5, $6)",
            uuid4(),
            new_user(),
            provider,
            Decimal(amount),
            currency,
            Grants(premium_days=30).model_dump(mode="json"),
        )
