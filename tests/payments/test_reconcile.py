"""The reconciler and the operator's commands: YooKassa's own answer closes what a notification did not, once."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from storycam.contracts.events import Streams
from storycam.payments import commands
from storycam.payments.context import PaymentsContext
from storycam.payments.reconcile import reconcile_pending
from storycam.payments.yookassa.outcomes import Outcome
from tests.payments.support import (
    Service,
    card_purchase,
    notification,
    payments_settings,
    yookassa_payment,
    yookassa_says,
)
from tests.story.support import new_user
from tests.support.services import BY_NAME, make_settings


def context(service: Service) -> PaymentsContext:
    return service.payments


async def left_pending_an_hour(service: Service, purchase_id: str) -> None:
    await service.pool.execute(
        "UPDATE purchases SET created_at = now() - interval '1 hour' WHERE id = $1", UUID(purchase_id)
    )


async def test_a_payment_whose_notification_was_lost_is_granted_once_and_the_late_one_does_nothing(
    service: Service,
) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    await left_pending_an_hour(service, purchase_id)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
    # Two replicas at once.
    passes = await asyncio.gather(*(reconcile_pending(service.pool, None, context(service)) for _ in range(2)))
    assert sorted(p.get(Outcome.GRANTED, 0) for p in passes) == [0, 1]
    assert (await service.purchase(purchase_id))["status"] == "succeeded"
    reads = service.yookassa.routes[-1].call_count
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    assert service.yookassa.routes[-1].call_count == reads  # journaled by the reconciler: not worked again
    assert len(await service.premium_periods(user)) == 1
    assert len(await service.events(user)) == 1


async def test_a_payment_still_pending_is_left_alone_and_a_young_one_is_not_asked_about(service: Service) -> None:
    user = new_user()
    old_id, old_payment = await card_purchase(service, user)
    _young_id, young_payment = await card_purchase(service, user)
    await left_pending_an_hour(service, old_id)
    yookassa_says(service, old_payment, yookassa_payment(old_payment, purchase_id=old_id, user=user, status="pending"))
    route = service.yookassa.get(f"/payments/{young_payment}")
    counts = await reconcile_pending(service.pool, None, context(service))
    assert counts.get(Outcome.PENDING) == 1
    assert not route.called
    assert (await service.purchase(old_id))["status"] == "pending"
    assert await service.mismatches(old_id) == []  # pending is not a disagreement


async def test_a_canceled_payment_is_closed(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    await left_pending_an_hour(service, purchase_id)
    yookassa_says(
        service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user, status="canceled")
    )
    await reconcile_pending(service.pool, None, context(service))
    assert (await service.purchase(purchase_id))["status"] == "canceled"


async def test_a_notification_that_came_too_early_is_made_good_by_the_reconciler(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    answer = yookassa_payment(payment_id, purchase_id=purchase_id, user=user, status="pending")
    yookassa_says(service, payment_id, answer)
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "pending"
    await left_pending_an_hour(service, purchase_id)
    yookassa_says(service, payment_id, {**answer, "status": "succeeded", "paid": True})
    await reconcile_pending(service.pool, None, context(service))
    assert (await service.purchase(purchase_id))["status"] == "succeeded"


def cli_settings(database_url: str, redis_url: str) -> Any:
    return make_settings(BY_NAME["payments"], database_url, redis_url, **payments_settings())


async def test_the_reconcile_command_closes_one_purchase(
    service: Service, database_url: str, redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
    code = await commands.reconcile(
        cli_settings(database_url, redis_url), argparse.Namespace(purchase_id=UUID(purchase_id))
    )
    assert code == 0
    said = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (said["outcome"], said["status"]) == ("granted", "succeeded")
    missing = await commands.reconcile(cli_settings(database_url, redis_url), argparse.Namespace(purchase_id=uuid4()))
    assert missing == 1


async def test_the_refund_command_refunds_through_yookassa_once_and_takes_back(
    service: Service, database_url: str, redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user, "ai-videos-20")
    paid = yookassa_payment(payment_id, purchase_id=purchase_id, user=user, value="990.00")
    yookassa_says(service, payment_id, paid)
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    refund_id = str(uuid4())
    refund = {
        "id": refund_id,
        "payment_id": payment_id,
        "status": "succeeded",
        "amount": {"value": "495.00", "currency": "RUB"},
        "created_at": "2026-11-30T18:00:00.000Z",
    }
    created = service.yookassa.post("/refunds").mock(return_value=httpx.Response(200, json=refund))
    service.yookassa.get(f"/refunds/{refund_id}").mock(return_value=httpx.Response(200, json=refund))
    args = argparse.Namespace(purchase_id=UUID(purchase_id), amount="495.00")
    assert await commands.refund(cli_settings(database_url, redis_url), args) == 0
    said = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (said["refund_id"], said["amount"], said["outcome"]) == (refund_id, "495.00", "refunded")
    sent = json.loads(created.calls.last.request.content)
    assert sent == {
        "payment_id": payment_id,
        "amount": {"value": "495.00", "currency": "RUB"},
        "description": f"Refund of purchase {purchase_id}",
    }
    assert created.calls.last.request.headers["Idempotence-Key"] == f"storycam-refund-{purchase_id}-0-495.00"
    assert await service.credits(user) == 10
    # YooKassa's notification of the same refund arrives afterwards: nothing more is taken.
    assert (await service.notify_yookassa(notification("refund.succeeded", refund_id))).status_code == 200
    assert await service.credits(user) == 10
    too_much = argparse.Namespace(purchase_id=UUID(purchase_id), amount="600.00")
    assert await commands.refund(cli_settings(database_url, redis_url), too_much) == 1


async def test_the_refund_command_asks_the_gateway_to_refund_stars(
    service: Service, database_url: str, redis_url: str
) -> None:
    user = new_user()
    checkout = (await service.checkout(user, "ai-videos-5", "stars")).json()
    charge = f"stxcharge-{uuid4().hex}"
    payment = {
        "user_id": user,
        "chat_id": user,
        "payload": checkout["stars_invoice"]["payload"],
        "currency": "XTR",
        "total_amount": 175,
        "telegram_payment_charge_id": charge,
    }
    assert (await service.internal.post("/internal/v1/stars/payments", json=payment)).json()["granted"] is True
    args = argparse.Namespace(purchase_id=UUID(checkout["purchase_id"]), amount=None)
    for _ in range(2):
        assert await commands.refund(cli_settings(database_url, redis_url), args) == 0
    rows = await service.pool.fetch("SELECT data FROM outbox WHERE stream = $1", Streams.TELEGRAM_OUTBOUND)
    relayed = await service.redis.xrange(Streams.TELEGRAM_OUTBOUND)
    asked = [json.loads(r["data"]) for r in rows] + [json.loads(f[b"data"]) for _, f in relayed]
    mine = [a for a in asked if a.get("telegram_payment_charge_id") == charge]
    assert {a["type"] for a in mine} == {"telegram.stars_refund"}
    assert len({a["request_id"] for a in mine}) == 1  # the same request twice: the gateway refunds once
    assert await service.credits(user) == 5  # taken back when the gateway reports the refund done
