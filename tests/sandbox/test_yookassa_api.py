"""The YooKassa emulator's REST API, driven by the payments service's own client: what it sends is accepted and
what the emulator answers parses; idempotence, refunds, errors and authentication behave as YooKassa's do."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from storycam.payments.money import Currency, Money
from storycam.payments.yookassa.client import YooKassaClient, payment_idempotence_key
from storycam.payments.yookassa.errors import YooKassaRejected, YooKassaUnavailable
from storycam.payments.yookassa.models import ReceiptCustomer, receipt_for
from storycam.payments.yookassa.retry import RetryPolicy
from storycam.sandbox.config import YooKassaConfig

SHOP = YooKassaConfig()
BASE = "http://sandbox/yookassa/v3"
RETURN_URL = "https://t.me/storycam_bot"
PRICE = Money(amount=Decimal("500.00"), currency=Currency.RUB)


async def _no_sleep(seconds: float) -> None:
    return None


def _client(emulator: FastAPI, *, secret: str = SHOP.secret_key, attempts: int = 4) -> YooKassaClient:
    return YooKassaClient(
        base_url=BASE,
        shop_id=SHOP.shop_id,
        secret_key=SecretStr(secret),
        transport=httpx.ASGITransport(emulator),
        retry=RetryPolicy(attempts=attempts),
        sleep=_no_sleep,
    )


@pytest.fixture
async def yookassa(emulator: FastAPI) -> AsyncIterator[YooKassaClient]:
    async with _client(emulator) as client:
        yield client


def _auth() -> dict[str, str]:
    token = base64.b64encode(f"{SHOP.shop_id}:{SHOP.secret_key}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def _raw_create(client: httpx.AsyncClient, body: dict[str, Any], key: str | None = "key-1") -> httpx.Response:
    headers = _auth() | ({"Idempotence-Key": key} if key else {})
    return await client.post("/yookassa/v3/payments", json=body, headers=headers)


BODY = {
    "amount": {"value": "500.00", "currency": "RUB"},
    "capture": True,
    "confirmation": {"type": "redirect", "return_url": RETURN_URL},
    "description": "Premium, 30 days",
}


async def test_a_payment_made_by_the_services_client_reads_back_as_it_was_made(yookassa: YooKassaClient) -> None:
    purchase = uuid4()
    made = await yookassa.create_payment(
        purchase_id=purchase, user_id=42, price=PRICE, description="Premium, 30 days", return_url=RETURN_URL
    )

    assert made.status == "pending"
    assert made.paid is False
    assert (made.amount.value, made.amount.currency) == (Decimal("500.00"), "RUB")
    assert made.metadata == {"user_id": "42", "purchase_id": str(purchase)}
    assert made.confirmation is not None
    assert made.confirmation.type == "redirect"
    assert made.confirmation.confirmation_url == f"http://sandbox/yookassa/checkout/{made.id}"
    assert made.test is True
    assert await yookassa.get_payment(made.id) == made
    assert await yookassa.get_payment("2ed2b1e4-000f-5000-9000-1b7e3fa0c1d5") is None


async def test_a_payment_with_a_receipt_is_accepted(yookassa: YooKassaClient) -> None:
    receipt = receipt_for(
        tax_system_code=1,
        vat_code=1,
        contact=ReceiptCustomer(email="alice@example.com"),
        description="Premium",
        price=PRICE,
    )
    made = await yookassa.create_payment(
        purchase_id=uuid4(), user_id=1, price=PRICE, description="Premium", return_url=RETURN_URL, receipt=receipt
    )
    assert made.status == "pending"


async def test_the_same_key_and_body_answer_the_same_payment(client: httpx.AsyncClient) -> None:
    first = await _raw_create(client, BODY)
    again = await _raw_create(client, BODY)
    other_key = await _raw_create(client, BODY, key="key-2")

    assert first.status_code == again.status_code == other_key.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert other_key.json()["id"] != first.json()["id"]
    assert len((await client.get("/sandbox/yookassa/payments")).json()["payments"]) == 2


async def test_the_same_key_with_another_body_is_refused(client: httpx.AsyncClient) -> None:
    await _raw_create(client, BODY)
    other = await _raw_create(client, BODY | {"description": "Something else"})

    assert other.status_code == 400
    error = other.json()
    assert {key: error[key] for key in ("type", "code", "description", "parameter")} == {
        "type": "error",
        "code": "invalid_request",
        "description": "Idempotence key duplicated",
        "parameter": "Idempotence-Key",
    }
    assert error["id"]


async def test_a_500_then_200_makes_one_payment_under_one_key(
    yookassa: YooKassaClient, client: httpx.AsyncClient
) -> None:
    await client.post("/sandbox/yookassa/failures", json={"count": 1})
    purchase = uuid4()

    made = await yookassa.create_payment(
        purchase_id=purchase, user_id=7, price=PRICE, description="Premium", return_url=RETURN_URL
    )

    stats = (await client.get("/sandbox/yookassa/stats")).json()
    assert stats == {"create_calls": {"payments": 2, "refunds": 0}, "payments": 1, "refunds": 0}
    assert made.metadata["purchase_id"] == str(purchase)


async def test_a_500_after_the_payment_was_made_is_answered_by_the_retry(
    yookassa: YooKassaClient, client: httpx.AsyncClient
) -> None:
    """YooKassa's 500 means "unknown": the payment may exist. The retry under the same key finds it."""
    await client.post("/sandbox/yookassa/failures", json={"count": 1, "after_create": True})

    made = await yookassa.create_payment(
        purchase_id=uuid4(), user_id=7, price=PRICE, description="Premium", return_url=RETURN_URL
    )

    payments = (await client.get("/sandbox/yookassa/payments")).json()["payments"]
    assert [payment["id"] for payment in payments] == [made.id]


async def test_creates_failing_every_time_give_up_unavailable(emulator: FastAPI, client: httpx.AsyncClient) -> None:
    await client.post("/sandbox/yookassa/failures", json={"count": 3})
    async with _client(emulator, attempts=3) as yookassa:
        with pytest.raises(YooKassaUnavailable):
            await yookassa.create_payment(
                purchase_id=uuid4(), user_id=7, price=PRICE, description="Premium", return_url=RETURN_URL
            )
    error = await _raw_create(client, BODY)  # the failures are used up
    assert error.status_code == 200


async def test_a_refund_of_a_paid_payment(yookassa: YooKassaClient, client: httpx.AsyncClient) -> None:
    purchase = uuid4()
    made = await yookassa.create_payment(
        purchase_id=purchase, user_id=7, price=PRICE, description="Premium", return_url=RETURN_URL
    )
    assert (await client.post(f"/sandbox/yookassa/payments/{made.id}/pay")).status_code == 200

    refund = await yookassa.create_refund(
        purchase_id=purchase, payment_id=made.id, amount=PRICE, description="Asked for by support"
    )
    again = await yookassa.create_refund(
        purchase_id=purchase, payment_id=made.id, amount=PRICE, description="Asked for by support"
    )

    assert (refund.status, refund.payment_id, refund.amount.value) == ("succeeded", made.id, Decimal("500.00"))
    assert again.id == refund.id  # the same Idempotence-Key: the same refund, not a second one
    paid = await yookassa.get_payment(made.id)
    assert paid is not None
    assert paid.refunded_amount is not None
    assert paid.refunded_amount.value == Decimal("500.00")
    read = await client.get(f"/yookassa/v3/refunds/{refund.id}", headers=_auth())
    assert read.json()["id"] == refund.id
    assert (await client.get("/yookassa/v3/refunds/nope", headers=_auth())).json()["code"] == "not_found"


async def test_a_refund_of_an_unpaid_payment_or_of_too_much_is_refused(
    yookassa: YooKassaClient, client: httpx.AsyncClient
) -> None:
    made = await yookassa.create_payment(
        purchase_id=uuid4(), user_id=7, price=PRICE, description="Premium", return_url=RETURN_URL
    )
    with pytest.raises(YooKassaRejected) as unpaid:
        await yookassa.create_refund(purchase_id=uuid4(), payment_id=made.id, amount=PRICE, description="x")
    assert (unpaid.value.http_status, unpaid.value.error_code, unpaid.value.parameter) == (
        400,
        "invalid_request",
        "payment_id",
    )

    await client.post(f"/sandbox/yookassa/payments/{made.id}/pay")
    too_much = Money(amount=Decimal("500.01"), currency=Currency.RUB)
    with pytest.raises(YooKassaRejected) as excess:
        await yookassa.create_refund(purchase_id=uuid4(), payment_id=made.id, amount=too_much, description="x")
    assert excess.value.parameter == "amount.value"


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({k: v for k, v in BODY.items() if k != "amount"}, "amount"),
        (BODY | {"amount": {"value": "-5.00", "currency": "RUB"}}, "amount.value"),
        (BODY | {"amount": {"value": "abc", "currency": "RUB"}}, "amount.value"),
        (BODY | {"amount": {"value": "1.005", "currency": "RUB"}}, "amount.value"),
        (BODY | {"amount": {"value": "10.00", "currency": "USD"}}, "amount.currency"),
        (BODY | {"confirmation": {"type": "embedded"}}, "confirmation.type"),
        (BODY | {"description": "x" * 129}, "description"),
        (BODY | {"metadata": {"k" * 33: "v"}}, "metadata"),
    ],
)
async def test_a_bad_payment_is_refused_naming_the_parameter(
    client: httpx.AsyncClient, body: dict[str, Any], parameter: str
) -> None:
    response = await _raw_create(client, body)

    assert response.status_code == 400
    error = response.json()
    assert (error["type"], error["code"], error["parameter"]) == ("error", "invalid_request", parameter)
    assert (await client.get("/sandbox/yookassa/payments")).json()["payments"] == []


async def test_a_body_that_is_not_json_or_has_no_key_is_refused(client: httpx.AsyncClient) -> None:
    garbage = await client.post(
        "/yookassa/v3/payments", content=b"{not json", headers=_auth() | {"Idempotence-Key": "k"}
    )
    keyless = await _raw_create(client, BODY, key=None)
    long_key = await _raw_create(client, BODY, key="k" * 65)

    assert garbage.status_code == keyless.status_code == long_key.status_code == 400
    assert garbage.json()["code"] == "invalid_request"
    assert keyless.json()["parameter"] == long_key.json()["parameter"] == "Idempotence-Key"


async def test_a_receipt_that_does_not_add_up_is_refused(client: httpx.AsyncClient) -> None:
    item = {
        "description": "Premium",
        "quantity": "1.00",
        "amount": {"value": "400.00", "currency": "RUB"},
        "vat_code": 1,
    }
    receipt = {"customer": {"email": "a@example.com"}, "items": [item], "tax_system_code": 1}

    response = await _raw_create(client, BODY | {"receipt": receipt})

    assert response.status_code == 400
    assert response.json()["parameter"] == "receipt.items"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer token", "Basic !!!", "Basic " + base64.b64encode(b"100500:wrong").decode()],
)
async def test_without_the_shops_credentials_the_api_answers_401(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Idempotence-Key": "k"} | ({"Authorization": authorization} if authorization else {})
    created = await client.post("/yookassa/v3/payments", json=BODY, headers=headers)
    read = await client.get("/yookassa/v3/payments/anything", headers=headers)

    assert created.status_code == read.status_code == 401
    assert created.json()["code"] == "invalid_credentials"


async def test_the_client_with_a_wrong_secret_is_rejected(emulator: FastAPI) -> None:
    async with _client(emulator, secret="wrong") as yookassa:
        with pytest.raises(YooKassaRejected) as rejected:
            await yookassa.get_payment("2ed2b1e4-000f-5000-9000-1b7e3fa0c1d5")
    assert rejected.value.http_status == 401


def test_the_services_idempotence_key_fits_yookassas_limit() -> None:
    assert len(payment_idempotence_key(uuid4())) <= 64


@pytest.mark.parametrize(
    "body",
    [
        BODY | {"amount": {"value": "1e400", "currency": "RUB"}},
        BODY | {"amount": {"value": "NaN", "currency": "RUB"}},
        BODY | {"amount": {"value": True, "currency": "RUB"}},
        BODY | {"amount": "500"},
        BODY | {"metadata": {"user_id": 42}},
        BODY | {"metadata": ["not", "a", "map"]},
        BODY
        | {
            "receipt": {
                "customer": {"email": "a@example.com"},
                "items": [
                    {
                        "description": "x",
                        "quantity": "1e400",
                        "amount": {"value": "1", "currency": "RUB"},
                        "vat_code": 1,
                    }
                ],
            }
        },
        BODY | {"receipt": {"customer": {}, "items": []}},
        BODY | {"confirmation": None},
        [1, 2, 3],
    ],
)
async def test_odd_bodies_are_a_400_never_a_500(client: httpx.AsyncClient, body: Any) -> None:
    response = await client.post("/yookassa/v3/payments", json=body, headers=_auth() | {"Idempotence-Key": "odd"})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_request"
