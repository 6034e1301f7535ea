"""The Quickpay page: the link the payments service builds opens it, Pay sends YooMoney's HTTP notification signed
with the wallet's secret (verified by the service's own check), then the browser goes to successURL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from uuid import UUID, uuid4

import httpx
import pytest
from pydantic import SecretStr

from storycam.payments.money import Currency, Money
from storycam.payments.yoomoney.notification import YooMoneyNotification, is_authentic
from storycam.payments.yoomoney.quickpay import WALLET, quickpay_link
from storycam.sandbox import SandboxConfig
from storycam.sandbox.config import YooMoneyConfig
from storycam.sandbox.notifications import DeliveryPolicy
from storycam.sandbox.yoomoney.wallet import sign
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.receivers import NotificationReceiver
from tests.sandbox.servers import serving

WALLET_NUMBER = "4100100000000000"
SECRET = "wallet-secret-for-tests"
FAST = DeliveryPolicy(attempts=3, initial_delay=0.01, max_delay=0.05, request_timeout=5)
PRICE = Money(amount=Decimal("500.00"), currency=Currency.RUB)
SUCCESS_URL = "https://t.me/storycam_bot?start=paid"


@pytest.fixture
def config() -> SandboxConfig:
    wallet = YooMoneyConfig(wallet=WALLET_NUMBER, notification_secret=SECRET, delivery=FAST)
    return dataclasses.replace(TEST_CONFIG, yoomoney=wallet)


@pytest.fixture
async def receiver(client: httpx.AsyncClient) -> AsyncIterator[NotificationReceiver]:
    receiver = NotificationReceiver()
    async with serving(receiver.app) as url:
        answer = await client.put("/sandbox/yoomoney/notification-url", json={"url": f"{url}/notify"})
        assert answer.status_code == 200
        yield receiver


def _link(purchase: UUID | None = None, **options: Any) -> str:
    return quickpay_link(
        base_url="http://sandbox/yoomoney/quickpay/confirm",
        wallet=WALLET_NUMBER,
        price=PRICE,
        purchase_id=purchase or uuid4(),
        description="Premium, 30 days",
        success_url=SUCCESS_URL,
        **options,
    )


def _fields(link: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(link).query))


async def test_the_services_link_opens_a_page_with_pay(client: httpx.AsyncClient) -> None:
    page = await client.get(_link())

    assert page.status_code == 200
    assert "Premium, 30 days" in page.text
    assert "Pay 500.00" in page.text
    assert 'action="/yoomoney/quickpay/pay"' in page.text


async def test_pay_sends_a_notification_the_service_verifies_then_redirects(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    purchase = uuid4()
    fields = _fields(_link(purchase))

    paid = await client.post("/yoomoney/quickpay/pay", data=fields)

    assert paid.status_code == 303
    assert paid.headers["location"] == SUCCESS_URL
    (form,) = await receiver.wait_for(1)
    assert is_authentic(form, SecretStr(SECRET))
    assert not is_authentic(form, SecretStr("another secret"))
    notification = YooMoneyNotification.model_validate(form)
    assert notification.notification_type == "card-incoming"  # the service's links pay by card (AC)
    assert notification.label == str(purchase)
    assert notification.withdraw_amount == Decimal("500.00")
    assert notification.amount == Decimal("485.00")  # 3 % card commission kept by YooMoney
    assert notification.currency == "643"
    assert notification.unaccepted is False
    assert notification.codepro is False


async def test_a_wallet_payment_names_its_sender(client: httpx.AsyncClient, receiver: NotificationReceiver) -> None:
    await client.post("/yoomoney/quickpay/pay", data=_fields(_link(payment_type=WALLET)))

    (form,) = await receiver.wait_for(1)
    assert form["notification_type"] == "p2p-incoming"
    assert form["sender"]
    assert form["amount"] == "495.00"
    assert is_authentic(form, SecretStr(SECRET))


def test_the_hash_is_yoomoneys_documented_example() -> None:
    """The documentation's sample (notification-p2p-incoming) hashes to a2ee4a91…"""
    sample = {
        "notification_type": "p2p-incoming",
        "operation_id": "1234567",
        "amount": "300.00",
        "currency": "643",
        "datetime": "2011-07-01T09:00:00.000+04:00",
        "sender": "41001XXXXXXXX",
        "codepro": "false",
        "label": "YM.label.12345",
    }
    assert sign(sample, "01234567890ABCDEF01234567890") == "a2ee4a9195f4a90e893cff4f62eeba0b662321f9"


async def test_the_control_api_pays_a_form_and_lists_deliveries(
    client: httpx.AsyncClient, receiver: NotificationReceiver
) -> None:
    receiver.failures_left = 1
    answer = await client.post("/sandbox/yoomoney/payments", json={"fields": _fields(_link())})

    assert answer.status_code == 200
    await receiver.wait_for(1)
    async with asyncio.timeout(10):
        while (await client.get("/sandbox/yoomoney/deliveries")).json()["deliveries"][0]["state"] == "pending":
            await asyncio.sleep(0.02)
    (delivery,) = (await client.get("/sandbox/yoomoney/deliveries")).json()["deliveries"]
    assert delivery["state"] == "delivered"
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 200]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"sum": "-5"}, "sum must be"),
        ({"sum": "abc"}, "sum is not a number"),
        ({"sum": "1.001"}, "sum must be"),
        ({"receiver": "41001999999999"}, "does not exist"),
        ({"receiver": "not-a-wallet"}, "not a wallet number"),
        ({"paymentType": "XX"}, "paymentType"),
        ({"label": "x" * 65}, "label"),
        ({"quickpay-form": "nonsense"}, "quickpay-form"),
        ({"sum": ""}, "missing: sum"),
    ],
)
async def test_a_wrong_form_is_refused_and_notifies_nothing(
    client: httpx.AsyncClient, receiver: NotificationReceiver, change: dict[str, str], detail: str
) -> None:
    fields = _fields(_link()) | change

    page = await client.post("/yoomoney/quickpay/confirm", data=fields)
    paid = await client.post("/yoomoney/quickpay/pay", data=fields)
    control = await client.post("/sandbox/yoomoney/payments", json={"fields": fields})

    assert page.status_code == paid.status_code == 400
    assert detail in page.text
    assert control.status_code == 422
    assert (await client.get("/sandbox/yoomoney/deliveries")).json()["deliveries"] == []


async def test_without_a_notification_url_pay_is_refused(client: httpx.AsyncClient) -> None:
    paid = await client.post("/yoomoney/quickpay/pay", data=_fields(_link()))
    assert paid.status_code == 409


def test_yoomoneys_own_schedule_is_at_once_ten_minutes_then_an_hour_after_the_first() -> None:
    policy = YooMoneyConfig().delivery
    assert policy.attempts == 3
    assert [policy.delay(1), policy.delay(1) + policy.delay(2)] == [600.0, 3600.0]
