"""The checkout page a person pays or cancels on, and the notifications YooKassa sends for it: the body YooKassa
sends, from the configured address, retried until the webhook answers 200, visible on the control API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from storycam.sandbox import SandboxConfig
from storycam.sandbox.config import YooKassaConfig
from storycam.sandbox.notifications import DeliveryPolicy
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.receivers import NotificationReceiver
from tests.sandbox.servers import serving
from tests.sandbox.test_yookassa_api import BODY, RETURN_URL, _raw_create

FAST = DeliveryPolicy(attempts=4, initial_delay=0.01, max_delay=0.05, request_timeout=5)
SOURCE = "127.0.0.2"  # a loopback address of its own, so the webhook can tell who called
SHOP_CONFIG = dataclasses.replace(TEST_CONFIG, yookassa=YooKassaConfig(source_address=SOURCE, delivery=FAST))


@pytest.fixture
def config() -> SandboxConfig:
    return SHOP_CONFIG


@pytest.fixture
async def receiver(client: httpx.AsyncClient) -> AsyncIterator[NotificationReceiver]:
    receiver = NotificationReceiver()
    async with serving(receiver.app) as url:
        answer = await client.put("/sandbox/yookassa/webhook", json={"url": f"{url}/notify"})
        assert answer.status_code == 200
        yield receiver


async def _payment(client: httpx.AsyncClient, key: str = "k1", **changes: Any) -> dict[str, Any]:
    response = await _raw_create(client, BODY | changes, key=key)
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def _deliveries(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries: list[dict[str, Any]] = (await client.get("/sandbox/yookassa/deliveries")).json()["deliveries"]
    return deliveries


async def _settled(client: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    """The deliveries once ``count`` of them are no longer being retried."""
    async with asyncio.timeout(10):
        while True:
            deliveries = await _deliveries(client)
            if len(deliveries) >= count and all(d["state"] != "pending" for d in deliveries):
                return deliveries
            await asyncio.sleep(0.02)


async def test_the_checkout_page_shows_the_payment_with_pay_and_cancel(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    payment = await _payment(client, description="Premium <30 days>")
    page = await client.get(payment["confirmation"]["confirmation_url"])

    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Premium &lt;30 days&gt;" in page.text  # the shop's text, escaped
    assert "Pay 500.00" in page.text
    assert f'action="/yookassa/checkout/{payment["id"]}/cancel"' in page.text
    assert (await client.get("/yookassa/checkout/unknown")).status_code == 404


async def test_pay_succeeds_redirects_back_and_notifies_until_answered_200(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    receiver.failures_left = 2
    payment = await _payment(client)

    paid = await client.post(f"/yookassa/checkout/{payment['id']}/pay")

    assert paid.status_code == 303
    assert paid.headers["location"] == RETURN_URL
    (notification,) = await receiver.wait_for(1)
    assert notification["type"] == "notification"
    assert notification["event"] == "payment.succeeded"
    sent = notification["object"]
    assert (sent["id"], sent["status"], sent["paid"]) == (payment["id"], "succeeded", True)
    assert sent["amount"] == {"value": "500.00", "currency": "RUB"}
    assert sent["captured_at"]
    assert sent["payment_method"]["type"] == "bank_card"
    assert "confirmation" not in sent
    assert receiver.peers == [SOURCE]
    (delivery,) = await _settled(client, 1)
    assert delivery["state"] == "delivered"
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 500, 200]
    again = await client.post(f"/yookassa/checkout/{payment['id']}/pay")
    assert again.status_code == 409  # a paid payment is not paid twice
    assert len(receiver.received) == 1


async def test_cancel_cancels_with_details_and_notifies(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    payment = await _payment(client)

    canceled = await client.post(f"/yookassa/checkout/{payment['id']}/cancel", data={"reason": "insufficient_funds"})

    assert canceled.status_code == 303
    assert canceled.headers["location"] == RETURN_URL
    (notification,) = await receiver.wait_for(1)
    assert notification["event"] == "payment.canceled"
    assert notification["object"]["status"] == "canceled"
    assert notification["object"]["cancellation_details"] == {
        "party": "payment_network",
        "reason": "insufficient_funds",
    }
    page = await client.get(payment["confirmation"]["confirmation_url"])
    assert "Canceled" in page.text
    assert "Return to the shop" in page.text


async def test_a_two_stage_payment_waits_for_capture(client: httpx.AsyncClient, receiver: NotificationReceiver) -> None:
    payment = await _payment(client, capture=False)

    await client.post(f"/yookassa/checkout/{payment['id']}/pay")

    (notification,) = await receiver.wait_for(1)
    assert notification["event"] == "payment.waiting_for_capture"
    assert notification["object"]["status"] == "waiting_for_capture"
    assert notification["object"]["expires_at"]


async def test_a_dashboard_refund_notifies_refund_succeeded(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    payment = await _payment(client)
    await client.post(f"/sandbox/yookassa/payments/{payment['id']}/pay")

    partial = await client.post(f"/sandbox/yookassa/payments/{payment['id']}/refunds", json={"amount": "200.00"})
    rest = await client.post(f"/sandbox/yookassa/payments/{payment['id']}/refunds", json={})
    nothing_left = await client.post(f"/sandbox/yookassa/payments/{payment['id']}/refunds", json={})

    assert partial.status_code == rest.status_code == 201
    assert partial.json()["amount"]["value"] == "200.00"
    assert rest.json()["amount"]["value"] == "300.00"
    assert nothing_left.status_code == 422
    # Each notification is its own delivery, as YooKassa's are: they may arrive in any order.
    notified = {(n["event"], n["object"]["id"]): n["object"] for n in await receiver.wait_for(3)}
    assert sorted(notified) == sorted(
        [
            ("payment.succeeded", payment["id"]),
            ("refund.succeeded", partial.json()["id"]),
            ("refund.succeeded", rest.json()["id"]),
        ]
    )
    refunds = [obj for (event, _), obj in notified.items() if event == "refund.succeeded"]
    assert {(r["payment_id"], r["amount"]["value"]) for r in refunds} == {
        (payment["id"], "200.00"),
        (payment["id"], "300.00"),
    }


async def test_a_webhook_that_never_answers_200_is_given_up_after_the_attempts(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    receiver.failures_left = 100
    payment = await _payment(client)
    await client.post(f"/sandbox/yookassa/payments/{payment['id']}/pay")

    (delivery,) = await _settled(client, 1)

    assert delivery["state"] == "failed"
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500] * FAST.attempts
    assert receiver.received == []


async def test_an_unreachable_webhook_is_recorded_and_retried(client: httpx.AsyncClient) -> None:
    await client.put("/sandbox/yookassa/webhook", json={"url": "http://127.0.0.1:9/notify"})  # discard port: refused
    payment = await _payment(client)
    await client.post(f"/sandbox/yookassa/payments/{payment['id']}/pay")

    (delivery,) = await _settled(client, 1)

    assert delivery["state"] == "failed"
    assert len(delivery["attempts"]) == FAST.attempts
    assert all(attempt["error"] == "ConnectError" for attempt in delivery["attempts"])


async def test_without_a_webhook_payments_change_but_nothing_is_sent(client: httpx.AsyncClient) -> None:
    payment = await _payment(client)
    await client.post(f"/sandbox/yookassa/payments/{payment['id']}/cancel", json={})

    assert await _deliveries(client) == []
    read = await client.get("/sandbox/yookassa/payments")
    assert read.json()["payments"][0]["cancellation_details"] == {
        "party": "yoo_money",
        "reason": "expired_on_confirmation",
    }


async def test_control_actions_on_a_settled_or_unknown_payment_are_refused(
    client: httpx.AsyncClient, emulator: FastAPI
) -> None:
    payment = await _payment(client)
    await client.post(f"/sandbox/yookassa/payments/{payment['id']}/pay")

    twice = await client.post(f"/sandbox/yookassa/payments/{payment['id']}/pay")
    unknown = await client.post("/sandbox/yookassa/payments/nope/pay")
    bad_reason = await client.post(f"/sandbox/yookassa/payments/{payment['id']}/cancel", json={"reason": "bored"})

    assert (twice.status_code, twice.json()["error"]) == (409, "not_now")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_message")
    assert bad_reason.status_code == 422


def test_the_default_config_notifies_nobody() -> None:
    assert SandboxConfig().yookassa.webhook_url is None
