"""A refund takes back exactly what it covers: all of it for a full refund, the refunded share (rounded down, in
the buyer's favour) for a partial one; credits already spent are recorded as a shortfall, never overdrawn."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from storycam.payments.ledger import service as ledger
from tests.payments.support import (
    Service,
    card_purchase,
    notification,
    yookassa_payment,
    yookassa_says,
)
from tests.story.support import new_user


async def paid_by_card(service: Service, user: int, product_id: str, price: str) -> tuple[str, str]:
    purchase_id, payment_id = await card_purchase(service, user, product_id)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user, value=price))
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    return purchase_id, payment_id


async def refund(
    service: Service, payment_id: str, value: str, *, status: str = "succeeded", currency: str = "RUB"
) -> httpx.Response:
    refund_id = str(uuid4())
    answer: dict[str, Any] = {
        "id": refund_id,
        "payment_id": payment_id,
        "status": status,
        "amount": {"value": value, "currency": currency},
        "created_at": "2026-11-30T18:00:00.000Z",
    }
    service.yookassa.get(f"/refunds/{refund_id}").mock(return_value=httpx.Response(200, json=answer))
    # The notification claims the whole price back; only YooKassa's own refund object counts.
    body = notification(
        "refund.succeeded", refund_id, payment_id=payment_id, amount={"value": "990.00", "currency": "RUB"}
    )
    return await service.notify_yookassa(body)


async def test_partial_refunds_take_back_their_share_rounded_down_and_the_last_takes_the_rest(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await paid_by_card(service, user, "ai-videos-20", "990.00")
    assert await service.credits(user) == 20
    assert (await refund(service, payment_id, "495.00")).status_code == 200  # half: 10 of 20
    assert await service.credits(user) == 10
    assert (await refund(service, payment_id, "100.00")).status_code == 200  # 595/990 of 20 = 12.02: 2 more
    assert await service.credits(user) == 8
    assert (await service.purchase(purchase_id))["status"] == "succeeded"
    assert (await refund(service, payment_id, "395.00")).status_code == 200  # the rest: everything left
    assert await service.credits(user) == 0
    purchase = await service.purchase(purchase_id)
    assert (purchase["status"], purchase["refunded_amount"], purchase["credits_taken"]) == (
        "refunded",
        Decimal("990.00"),
        20,
    )
    refunded = [e for e in await service.events(user) if e["type"] == "payments.payment_refunded"]
    assert sorted((e["amount"], e["credits_taken"]) for e in refunded) == [("100.00", 2), ("395.00", 8), ("495.00", 10)]


async def test_credits_already_spent_are_recorded_as_a_shortfall(service: Service, payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    purchase_id, payment_id = await paid_by_card(service, user, "ai-videos-5", "290.00")
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.hold(connection, user, 3, "job-1", ttl=timedelta(minutes=5))
        await ledger.settle(connection, user, "job-1")
    assert (await refund(service, payment_id, "290.00")).status_code == 200
    assert await service.credits(user) == 0
    purchase = await service.purchase(purchase_id)
    assert (purchase["credits_taken"], purchase["credits_shortfall"], purchase["status"]) == (2, 3, "refunded")


async def test_a_refunded_month_leaves_no_hole_before_the_next_one(service: Service) -> None:
    user = new_user()
    first_id, first_payment = await paid_by_card(service, user, "premium-month", "500.00")
    await paid_by_card(service, user, "premium-month", "500.00")
    before_first, before_second = await service.premium_periods(user)
    assert (await refund(service, first_payment, "500.00")).status_code == 200
    first, second = await service.premium_periods(user)
    assert first["active_until"] == first["active_from"] == before_first["active_from"]
    assert second["active_from"] == before_first["active_from"]
    assert second["active_until"] == before_second["active_until"] - timedelta(days=30)
    [event] = [e for e in await service.events(user) if e["type"] == "payments.payment_refunded"]
    assert event["purchase_id"] == first_id
    assert event["premium_until"] is not None


async def test_a_partial_refund_of_a_month_takes_back_its_share_of_the_time(service: Service) -> None:
    user = new_user()
    _, payment_id = await paid_by_card(service, user, "premium-month", "500.00")
    [before] = await service.premium_periods(user)
    assert (await refund(service, payment_id, "166.67")).status_code == 200
    [after] = await service.premium_periods(user)
    month = 30 * 86_400
    taken = int((Decimal(month) * Decimal("166.67") / Decimal("500.00")).to_integral_value(rounding=ROUND_FLOOR))
    assert before["active_until"] - after["active_until"] == timedelta(seconds=taken)


@pytest.mark.parametrize(
    "disagreement", [{"status": "pending"}, {"currency": "USD"}, {"value": "9990.00"}], ids=["pending", "usd", "more"]
)
async def test_a_refund_yookassa_does_not_confirm_takes_nothing(service: Service, disagreement: dict[str, str]) -> None:
    user = new_user()
    purchase_id, payment_id = await paid_by_card(service, user, "ai-videos-5", "290.00")
    assert (await refund(service, payment_id, **{"value": "290.00", **disagreement})).status_code == 200
    assert await service.credits(user) == 5
    assert (await service.purchase(purchase_id))["status"] == "succeeded"
    assert len(await service.mismatches(purchase_id)) == 1
