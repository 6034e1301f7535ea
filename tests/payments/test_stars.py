"""Telegram Stars: pre-checkout verdicts, first and recurring payments, refunds, and turning renewal off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from tests.payments.support import Service
from tests.story.support import new_user


async def stars_checkout(service: Service, user: int, product_id: str = "premium-month") -> dict[str, Any]:
    response = await service.checkout(user, product_id, "stars", language="ru")
    assert response.status_code == 200, response.text
    checkout: dict[str, Any] = response.json()
    return checkout


def paid(user: int, payload: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "user_id": user,
        "chat_id": user,
        "payload": payload,
        "currency": "XTR",
        "total_amount": amount,
        "telegram_payment_charge_id": f"stxcharge-{uuid4().hex}",
        **extra,
    }


async def test_a_subscription_invoice_renews_every_30_days(service: Service) -> None:
    checkout = await stars_checkout(service, new_user())
    invoice = checkout["stars_invoice"]
    assert invoice == {
        "title": "Премиум на 30 дней",
        "description": "Премиум-истории и 10 ИИ-видео в месяц",
        "payload": f"p:{checkout['purchase_id']}",
        "currency": "XTR",
        "amount": 300,
        "subscription_period": 2_592_000,
    }
    pack = await stars_checkout(service, new_user(), "ai-videos-5")
    assert pack["stars_invoice"]["subscription_period"] is None


async def test_pre_checkout_verdicts(service: Service) -> None:
    user = new_user()
    checkout = await stars_checkout(service, user)
    payload = checkout["stars_invoice"]["payload"]

    async def verdict(**fields: Any) -> dict[str, Any]:
        body = {"user_id": user, "payload": payload, "currency": "XTR", "total_amount": 300, **fields}
        response = await service.internal.post("/internal/v1/stars/pre-checkout", json=body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    assert await verdict() == {"ok": True, "reason": None}
    assert await verdict(total_amount=1) == {"ok": False, "reason": "price_changed"}
    assert await verdict(currency="RUB") == {"ok": False, "reason": "price_changed"}
    assert await verdict(user_id=user + 1) == {"ok": False, "reason": "unknown_purchase"}
    assert await verdict(payload=f"p:{uuid4()}") == {"ok": False, "reason": "unknown_purchase"}
    assert await verdict(payload="garbage") == {"ok": False, "reason": "unknown_purchase"}
    await service.internal.post("/internal/v1/stars/payments", json=paid(user, payload, 300))
    assert await verdict() == {"ok": False, "reason": "already_paid"}


async def test_a_first_payment_then_a_renewal_extend_premium_and_keep_the_charge_for_renewal(service: Service) -> None:
    user = new_user()
    checkout = await stars_checkout(service, user)
    payload = checkout["stars_invoice"]["payload"]
    expires = datetime.now(UTC) + timedelta(days=30)
    first = paid(
        user, payload, 300, is_recurring=True, is_first_recurring=True, subscription_expiration_date=expires.isoformat()
    )
    answer = await service.internal.post("/internal/v1/stars/payments", json=first)
    assert answer.json() == {"purchase_id": checkout["purchase_id"], "granted": True, "status": "succeeded"}
    again = await service.internal.post("/internal/v1/stars/payments", json=first)
    assert again.json()["granted"] is False

    renewal = paid(
        user, payload, 300, is_recurring=True, subscription_expiration_date=(expires + timedelta(days=30)).isoformat()
    )
    renewed = (await service.internal.post("/internal/v1/stars/payments", json=renewal)).json()
    assert renewed["granted"] is True
    assert renewed["purchase_id"] != checkout["purchase_id"]
    made = await service.purchase(renewed["purchase_id"])
    assert (str(made["renewal_of"]), made["provider_payment_id"]) == (
        checkout["purchase_id"],
        renewal["telegram_payment_charge_id"],
    )

    first_period, second_period = await service.premium_periods(user)
    assert second_period["active_from"] == first_period["active_until"]
    assert {first_period["source"], second_period["source"]} == {"stars"}
    row = await service.pool.fetchrow("SELECT * FROM renewals WHERE user_id = $1", user)
    assert (row["telegram_payment_charge_id"], row["auto_renew"]) == (renewal["telegram_payment_charge_id"], True)
    events = await service.events(user)
    assert sorted(e["renewal"] for e in events) == [False, True]

    off = await service.internal.post(f"/internal/v1/users/{user}/renewal", json={"auto_renew": False})
    assert off.status_code == 204
    assert await service.pool.fetchval("SELECT auto_renew FROM renewals WHERE user_id = $1", user) is False
    nobody = await service.internal.post(f"/internal/v1/users/{new_user()}/renewal", json={"auto_renew": False})
    assert nobody.status_code == 404


@pytest.mark.parametrize(
    "change", [{"total_amount": 1}, {"currency": "USD"}, {"user_id": "other"}], ids=["amount", "currency", "user"]
)
async def test_a_payment_that_does_not_match_the_invoice_grants_nothing(
    service: Service, change: dict[str, Any]
) -> None:
    user = new_user()
    checkout = await stars_checkout(service, user)
    payment = paid(user, checkout["stars_invoice"]["payload"], 300)
    payment.update({k: (user + 1 if v == "other" else v) for k, v in change.items()})
    answer = await service.internal.post("/internal/v1/stars/payments", json=payment)
    assert answer.status_code == 200
    assert answer.json()["granted"] is False
    assert (await service.purchase(checkout["purchase_id"]))["status"] == "pending"
    assert len(await service.mismatches(checkout["purchase_id"])) == 1


async def test_a_refund_takes_back_everything_the_payment_gave(service: Service) -> None:
    user = new_user()
    checkout = await stars_checkout(service, user, "ai-videos-5")
    payment = paid(user, checkout["stars_invoice"]["payload"], 175)
    await service.internal.post("/internal/v1/stars/payments", json=payment)
    assert await service.credits(user) == 5
    done = {"user_id": user, "telegram_payment_charge_id": payment["telegram_payment_charge_id"]}
    for _ in range(2):
        answer = await service.internal.post("/internal/v1/stars/refunds", json=done)
        assert answer.json()["status"] == "refunded"
    assert await service.credits(user) == 0
    refunded = [e for e in await service.events(user) if e["type"] == "payments.payment_refunded"]
    assert [(e["credits_taken"], e["amount"]) for e in refunded] == [(5, "175")]
