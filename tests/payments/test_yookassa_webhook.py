"""``POST /webhooks/yookassa``: only YooKassa's networks, journaled once, and only YooKassa's API is believed."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.payments.support import (
    PROXY,
    STRANGER,
    Service,
    card_purchase,
    new_payment_id,
    notification,
    yookassa_payment,
    yookassa_says,
)
from tests.story.support import new_user


async def test_a_card_payment_that_succeeded_gives_premium_and_tells_the_gateway(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))

    # The notification's object is not believed: it says 1 rouble, YooKassa's API says 500.
    response = await service.notify_yookassa(
        notification("payment.succeeded", payment_id, amount={"value": "1.00", "currency": "RUB"})
    )
    assert response.status_code == 200

    purchase = await service.purchase(purchase_id)
    assert (purchase["status"], purchase["provider_payment_id"]) == ("succeeded", payment_id)
    [period] = await service.premium_periods(user)
    assert (period["source"], period["purchase_id"], period["product_id"]) == (
        "yookassa",
        purchase["id"],
        "premium-month",
    )
    assert abs(period["active_until"] - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    entitlements = (await service.internal.get(f"/internal/v1/users/{user}/entitlements")).json()
    assert entitlements["premium"] is True
    [event] = await service.events(user)
    assert event["type"] == "payments.payment_succeeded"
    assert event["event_id"] == f"payment-succeeded:{purchase_id}"
    assert (event["purchase_id"], event["provider"], event["amount"]) == (purchase_id, "yookassa", "500.00")
    assert datetime.fromisoformat(event["premium_until"]) == period["active_until"]


async def test_the_story_to_resume_travels_with_the_success(service: Service) -> None:
    user = new_user()
    payment_id = new_payment_id()
    service.yookassa.post("/payments").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=yookassa_payment(
                payment_id,
                purchase_id=json.loads(request.content)["metadata"]["purchase_id"],
                user=user,
                status="pending",
            ),
        )
    )
    response = await service.checkout(user, "premium-month", "yookassa", resume={"story_slug": "night-train"})
    purchase_id = response.json()["purchase_id"]
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    [event] = await service.events(user)
    assert event["resume"] == {"story_slug": "night-train"}


async def test_the_same_notification_five_times_grants_once(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user, "ai-videos-5")
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user, value="290.00"))
    for _ in range(5):
        response = await service.notify_yookassa(notification("payment.succeeded", payment_id))
        assert response.status_code == 200
    assert await service.credits(user) == 5
    assert len(await service.events(user)) == 1
    # Journaled once: YooKassa's API was asked by the first delivery only.
    assert service.yookassa.routes[-1].call_count == 1


async def test_the_same_notification_five_at_once_grants_once(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user, "ai-videos-5")
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user, value="290.00"))
    answers = await asyncio.gather(
        *(service.notify_yookassa(notification("payment.succeeded", payment_id)) for _ in range(5))
    )
    assert [a.status_code for a in answers] == [200] * 5
    assert await service.credits(user) == 5
    assert len(await service.events(user)) == 1


@pytest.mark.parametrize(
    ("address", "forwarded_for"),
    [
        (STRANGER, None),
        # A stranger writing YooKassa's address in X-Forwarded-For is still a stranger: it is not our proxy.
        (STRANGER, "185.71.76.10"),
        # Our proxy forwarding a stranger.
        (PROXY, f"185.71.76.10, {STRANGER}"),
    ],
)
async def test_a_notification_from_outside_yookassa_s_networks_is_refused_and_changes_nothing(
    service: Service, address: str, forwarded_for: str | None
) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    response = await service.notify_yookassa(
        notification("payment.succeeded", payment_id), address=address, headers=headers
    )
    assert response.status_code == 403
    assert (await service.purchase(purchase_id))["status"] == "pending"
    assert await service.premium_periods(user) == []
    assert await service.events(user) == []
    inbox = await service.pool.fetchval("SELECT count(*) FROM inbox WHERE key LIKE $1", f"%{payment_id}")
    assert inbox == 0


async def test_our_proxy_forwarding_yookassa_is_believed(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
    response = await service.notify_yookassa(
        notification("payment.succeeded", payment_id), address=PROXY, headers={"x-forwarded-for": "185.71.76.10"}
    )
    assert response.status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "succeeded"


@pytest.mark.parametrize(
    ("disagreement", "reason"),
    [
        ({"value": "1.00"}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"status": "pending"}, "not_paid"),
        ({"other_user": True}, "user"),
        ({"unknown": True}, "unknown_payment"),
    ],
)
async def test_a_re_read_that_disagrees_grants_nothing_and_is_recorded(
    service: Service, disagreement: dict[str, Any], reason: str
) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    if disagreement.get("unknown"):
        yookassa_says(service, payment_id, None)
    else:
        fields = {k: v for k, v in disagreement.items() if k != "other_user"}
        who = user + 1 if disagreement.get("other_user") else user
        yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=who, **fields))
    response = await service.notify_yookassa(notification("payment.succeeded", payment_id))
    assert response.status_code == 200  # journaled: YooKassa need not send it again
    assert (await service.purchase(purchase_id))["status"] == "pending"
    assert await service.premium_periods(user) == []
    assert await service.events(user) == []
    assert await service.mismatches(purchase_id) == [reason]


async def test_a_canceled_payment_closes_the_purchase(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    answer = yookassa_payment(
        payment_id,
        purchase_id=purchase_id,
        user=user,
        status="canceled",
        cancellation_details={"party": "yoo_money", "reason": "expired_on_confirmation"},
    )
    yookassa_says(service, payment_id, answer)
    assert (await service.notify_yookassa(notification("payment.canceled", payment_id))).status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "canceled"
    [event] = await service.events(user)
    assert (event["type"], event["reason"]) == ("payments.payment_canceled", "expired_on_confirmation")
    assert await service.premium_periods(user) == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b"null",
        json.dumps({"type": "notification", "event": "payment.succeeded"}).encode(),
        json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": "../../refunds"}}).encode(),
        json.dumps({"type": "notification", "event": 7, "object": {"id": "x"}}).encode(),
        b"[" * 20_000 + b"]" * 20_000,
        b"\xff\xfe",
    ],
    ids=["not-json", "list", "null", "no-object", "path-in-id", "event-not-text", "deep", "not-utf8"],
)
async def test_malformed_notifications_are_refused_with_a_4xx(service: Service, body: bytes) -> None:
    response = await service.notify_yookassa(body)
    assert response.status_code == 400, response.text
    assert await service.pool.fetchval("SELECT count(*) FROM payment_mismatches WHERE created_at > now()") == 0


async def test_a_10_mb_body_is_refused_without_being_read_whole(service: Service) -> None:
    body = b'{"type": "notification", "event": "payment.succeeded", "object": {"id": "' + b"a" * 10_000_000 + b'"}}'
    response = await service.notify_yookassa(body)
    assert response.status_code == 413


async def test_an_unknown_event_is_journaled_and_ignored(service: Service) -> None:
    object_id = new_payment_id()
    response = await service.notify_yookassa(notification("deal.closed", object_id))
    assert response.status_code == 200
    key = f"yookassa:deal.closed:{object_id}"
    assert await service.pool.fetchval("SELECT count(*) FROM inbox WHERE key = $1", key) == 1
    assert not any(route.called for route in service.yookassa.routes)


async def test_yookassa_unavailable_is_a_503_and_the_notification_can_come_again(service: Service) -> None:
    user = new_user()
    purchase_id, payment_id = await card_purchase(service, user)
    route = service.yookassa.get(f"/payments/{payment_id}")
    route.mock(return_value=httpx.Response(500, json={"type": "error", "code": "internal_server_error"}))
    first = await service.notify_yookassa(notification("payment.succeeded", payment_id))
    assert first.status_code == 503  # not journaled: YooKassa retries, and the retry is worked
    route.mock(return_value=httpx.Response(200, json=yookassa_payment(payment_id, purchase_id=purchase_id, user=user)))
    again = await service.notify_yookassa(notification("payment.succeeded", payment_id))
    assert again.status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "succeeded"


async def test_a_second_card_payment_extends_premium_from_the_current_end(service: Service) -> None:
    user = new_user()
    for _ in range(2):
        purchase_id, payment_id = await card_purchase(service, user)
        yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
        assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    first, second = await service.premium_periods(user)
    assert second["active_from"] == first["active_until"]
    assert second["active_until"] - second["active_from"] == timedelta(days=30)


async def test_a_notification_for_a_purchase_never_opened_grants_nothing(service: Service) -> None:
    payment_id = new_payment_id()
    user = new_user()
    yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=uuid4(), user=user))
    assert (await service.notify_yookassa(notification("payment.succeeded", payment_id))).status_code == 200
    reasons = await service.pool.fetch(
        "SELECT reason FROM payment_mismatches WHERE provider_payment_id = $1", payment_id
    )
    assert [r["reason"] for r in reasons] == ["unknown_payment"]
    assert await service.premium_periods(user) == []


async def test_two_payments_landing_at_once_stack_instead_of_overlapping(service: Service) -> None:
    user = new_user()
    paid = []
    for _ in range(2):
        purchase_id, payment_id = await card_purchase(service, user)
        yookassa_says(service, payment_id, yookassa_payment(payment_id, purchase_id=purchase_id, user=user))
        paid.append(payment_id)
    answers = await asyncio.gather(
        *(service.notify_yookassa(notification("payment.succeeded", payment_id)) for payment_id in paid)
    )
    assert [a.status_code for a in answers] == [200, 200]
    first, second = await service.premium_periods(user)
    assert second["active_from"] == first["active_until"]
