"""The YooKassa client against YooKassa's API as respx plays it: what it sends, and how it retries."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import respx
from pydantic import SecretStr

from storycam.payments.money import Currency, Money
from storycam.payments.yookassa.client import YooKassaClient, payment_idempotence_key
from storycam.payments.yookassa.errors import YooKassaError, YooKassaRejected, YooKassaUnavailable
from storycam.payments.yookassa.models import ReceiptCustomer, receipt_for
from storycam.payments.yookassa.retry import RetryPolicy

API = "https://yookassa.test/v3"
RUB_500 = Money(amount=Decimal("500.00"), currency=Currency.RUB)


def payment(status: str = "pending", **extra: Any) -> dict[str, Any]:
    return {
        "id": "2d2d0fc3-000f-5000-8000-1a5c1b1d2e3f",
        "status": status,
        "paid": status == "succeeded",
        "amount": {"value": "500.00", "currency": "RUB"},
        "confirmation": {"type": "redirect", "confirmation_url": "https://yoomoney.ru/checkout/payments/v2/contract"},
        "created_at": "2026-11-30T17:00:00.000Z",
        "description": "Premium",
        "metadata": {"user_id": "42", "purchase_id": "x"},
        "recipient": {"account_id": "100500", "gateway_id": "100700"},
        "refundable": False,
        "test": True,
        **extra,
    }


def error(code: str, status: int, parameter: str | None = None) -> httpx.Response:
    body = {"type": "error", "id": "err-1", "code": code, "description": "Something is wrong"}
    if parameter:
        body["parameter"] = parameter
    return httpx.Response(status, json=body)


class Sleeps(list[float]):
    """Stands in for asyncio.sleep: records the back-off instead of waiting it out."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def yookassa() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client(sleeps: Sleeps) -> AsyncIterator[YooKassaClient]:
    async with YooKassaClient(
        base_url=API,
        shop_id="100500",
        secret_key=SecretStr("test_secret_key"),
        timeout=2.0,
        retry=RetryPolicy(attempts=4, base_delay=0.5, max_delay=8.0),
        sleep=sleeps,
    ) as made:
        yield made


async def create(client: YooKassaClient, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "purchase_id": uuid4(),
        "user_id": 42,
        "price": RUB_500,
        "description": "Premium for 30 days",
        "return_url": "https://t.me/storycam_bot",
        **overrides,
    }
    return await client.create_payment(**arguments)


async def test_a_payment_is_created_as_yookassa_expects(client: YooKassaClient, yookassa: respx.MockRouter) -> None:
    route = yookassa.post("/payments").mock(return_value=httpx.Response(200, json=payment()))
    purchase_id = uuid4()
    made = await create(client, purchase_id=purchase_id)

    assert made.status == "pending"
    assert made.confirmation is not None
    assert made.confirmation.confirmation_url == "https://yoomoney.ru/checkout/payments/v2/contract"
    request = route.calls.last.request
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"100500:test_secret_key").decode()
    assert request.headers["idempotence-key"] == payment_idempotence_key(purchase_id)
    assert str(purchase_id) in request.headers["idempotence-key"]
    assert len(request.headers["idempotence-key"]) <= 64
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "amount": {"value": "500.00", "currency": "RUB"},
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": "https://t.me/storycam_bot"},
        "description": "Premium for 30 days",
        "metadata": {"user_id": "42", "purchase_id": str(purchase_id)},
    }


async def test_a_receipt_goes_along_when_the_operator_set_a_tax_system(
    client: YooKassaClient, yookassa: respx.MockRouter
) -> None:
    route = yookassa.post("/payments").mock(return_value=httpx.Response(200, json=payment()))
    receipt = receipt_for(
        tax_system_code=2,
        vat_code=1,
        contact=ReceiptCustomer(email="buyer@example.com"),
        description="Premium for 30 days",
        price=RUB_500,
    )
    await create(client, receipt=receipt)
    assert json.loads(route.calls.last.request.content)["receipt"] == {
        "customer": {"email": "buyer@example.com"},
        "items": [
            {
                "description": "Premium for 30 days",
                "quantity": "1.00",
                "amount": {"value": "500.00", "currency": "RUB"},
                "vat_code": 1,
                "payment_mode": "full_payment",
                "payment_subject": "service",
            }
        ],
        "tax_system_code": 2,
    }


def test_no_receipt_without_a_tax_system_or_a_contact() -> None:
    contact = ReceiptCustomer(phone="79001234567")
    common: dict[str, Any] = {"vat_code": 1, "description": "Premium", "price": RUB_500}
    assert receipt_for(tax_system_code=None, contact=contact, **common) is None
    assert receipt_for(tax_system_code=1, contact=None, **common) is None
    with pytest.raises(ValueError, match="exactly one"):
        ReceiptCustomer(email="a@b.ru", phone="79001234567")
    with pytest.raises(ValueError, match="email"):
        ReceiptCustomer(email="not an address")


async def test_a_500_then_200_on_create_uses_one_idempotence_key(
    client: YooKassaClient, yookassa: respx.MockRouter, sleeps: Sleeps
) -> None:
    """YooKassa's 500 means "outcome unknown": only the same key again can't make a second payment."""
    route = yookassa.post("/payments").mock(
        side_effect=[error("internal_server_error", 500), httpx.Response(200, json=payment())]
    )
    purchase_id = uuid4()
    made = await create(client, purchase_id=purchase_id)
    assert made.id == payment()["id"]
    assert route.call_count == 2
    keys = {call.request.headers["idempotence-key"] for call in route.calls}
    assert keys == {payment_idempotence_key(purchase_id)}
    assert route.calls[0].request.content == route.calls[1].request.content
    assert len(sleeps) == 1


async def test_timeouts_429_and_202_are_retried_with_the_same_key_and_growing_back_off(
    client: YooKassaClient, yookassa: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = yookassa.post("/payments").mock(
        side_effect=[
            httpx.ReadTimeout("no answer"),
            error("too_many_requests", 429),
            httpx.Response(202, json={"type": "processing", "retry_after": 1500}),
            httpx.Response(200, json=payment()),
        ]
    )
    purchase_id = uuid4()
    await create(client, purchase_id=purchase_id)
    assert route.call_count == 4
    assert {call.request.headers["idempotence-key"] for call in route.calls} == {payment_idempotence_key(purchase_id)}
    first, second, third = sleeps
    assert 0 <= first <= 0.5  # full jitter under 0.5 s, then under 1 s
    assert 0 <= second <= 1.0
    assert third == 1.5  # YooKassa's own hint for a request still in progress, in milliseconds


async def test_retry_after_is_obeyed_within_the_cap(
    client: YooKassaClient, yookassa: respx.MockRouter, sleeps: Sleeps
) -> None:
    yookassa.get("/payments/p-1").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(503, headers={"Retry-After": "120"}),
            httpx.Response(200, json=payment()),
        ]
    )
    assert await client.get_payment("p-1") is not None
    assert sleeps == [3.0, 8.0]


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "invalid_request"), (401, "invalid_credentials"), (403, "forbidden"), (404, "not_found")],
)
async def test_a_4xx_on_create_is_not_retried_and_says_why(
    client: YooKassaClient, yookassa: respx.MockRouter, sleeps: Sleeps, status: int, code: str
) -> None:
    route = yookassa.post("/payments").mock(return_value=error(code, status, parameter="amount.value"))
    with pytest.raises(YooKassaRejected) as refused:
        await create(client)
    assert route.call_count == 1
    assert sleeps == []
    assert (refused.value.http_status, refused.value.error_code, refused.value.parameter) == (
        status,
        code,
        "amount.value",
    )
    assert f"{status} {code}" in str(refused.value)
    assert "test_secret_key" not in str(refused.value)


async def test_giving_up_after_the_last_attempt_is_unavailable_not_failed(
    client: YooKassaClient, yookassa: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = yookassa.post("/payments").mock(side_effect=httpx.ConnectTimeout("unreachable"))
    with pytest.raises(YooKassaUnavailable):
        await create(client)
    assert route.call_count == 4
    assert len(sleeps) == 3


async def test_reading_a_payment_and_an_unknown_one(client: YooKassaClient, yookassa: respx.MockRouter) -> None:
    yookassa.get("/payments/2d2d0fc3-000f-5000-8000-1a5c1b1d2e3f").mock(
        return_value=httpx.Response(200, json=payment("succeeded", metadata={"user_id": "42", "purchase_id": "p"}))
    )
    missing = yookassa.get("/payments/unknown-1").mock(return_value=error("not_found", 404))
    read = await client.get_payment("2d2d0fc3-000f-5000-8000-1a5c1b1d2e3f")
    assert read is not None
    assert (read.status, read.paid, read.amount.value, read.amount.currency) == (
        "succeeded",
        True,
        Decimal("500.00"),
        "RUB",
    )
    assert read.metadata == {"user_id": "42", "purchase_id": "p"}
    assert await client.get_payment("unknown-1") is None
    assert missing.call_count == 1


@pytest.mark.parametrize("payment_id", ["../refunds", "a/b", "", "x" * 65, "id?limit=1"])
async def test_an_id_that_is_not_yookassa_s_never_reaches_a_url(
    client: YooKassaClient, yookassa: respx.MockRouter, payment_id: str
) -> None:
    assert await client.get_payment(payment_id) is None
    assert yookassa.calls.call_count == 0


async def test_an_answer_that_is_not_a_payment_is_an_error(client: YooKassaClient, yookassa: respx.MockRouter) -> None:
    yookassa.get("/payments/p-2").mock(return_value=httpx.Response(200, json={"id": "p-2", "status": "pending"}))
    with pytest.raises(YooKassaError, match="not a YooKassaPayment"):
        await client.get_payment("p-2")


async def test_a_refund_is_created_once_per_purchase(client: YooKassaClient, yookassa: respx.MockRouter) -> None:
    refund = {
        "id": "refund-1",
        "payment_id": "p-3",
        "status": "succeeded",
        "amount": {"value": "500.00", "currency": "RUB"},
        "created_at": "2026-11-30T17:05:00.000Z",
    }
    route = yookassa.post("/refunds").mock(
        side_effect=[error("internal_server_error", 500), httpx.Response(200, json=refund)]
    )
    purchase_id = uuid4()
    made = await client.create_refund(purchase_id=purchase_id, payment_id="p-3", amount=RUB_500, description="Refund")
    assert (made.id, made.status) == ("refund-1", "succeeded")
    assert json.loads(route.calls.last.request.content) == {
        "payment_id": "p-3",
        "amount": {"value": "500.00", "currency": "RUB"},
        "description": "Refund",
    }
    keys = {call.request.headers["idempotence-key"] for call in route.calls}
    assert len(keys) == 1
    assert str(purchase_id) in keys.pop()


async def test_stars_are_not_sent_to_yookassa(client: YooKassaClient, yookassa: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="roubles"):
        await create(client, price=Money(amount=Decimal(300), currency=Currency.XTR))
    assert yookassa.calls.call_count == 0
