"""What is for sale, checkouts through each provider (the same tap twice is one checkout), and payment history."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.payments.sealing import Sealer
from storycam.payments.settings import DEVELOPMENT_ENCRYPTION_KEY
from tests.payments.support import RETURN_URL, WALLET, Service, payments_service, yookassa_payment
from tests.story.support import new_user


@pytest.fixture
async def service(
    database_url: str, redis_url: str, payments_pool: asyncpg.Pool, redis: Redis
) -> AsyncIterator[Service]:
    async with payments_service(database_url, redis_url, payments_pool, redis, yookassa_tax_system_code=2) as made:
        yield made


async def test_offers_list_the_catalogue_with_a_price_per_enabled_provider(service: Service) -> None:
    response = await service.internal.get("/internal/v1/offers")
    assert response.status_code == 200
    offers = response.json()
    assert offers["providers"] == ["stars", "yookassa", "yoomoney"]
    premium = offers["offers"][0]
    assert (premium["product_id"], premium["kind"], premium["premium_days"]) == ("premium-month", "subscription", 30)
    assert premium["title"] == {"ru": "Премиум на 30 дней", "en": "Premium for 30 days"}
    assert premium["prices"] == [
        {"provider": "stars", "amount": "300", "currency": "XTR"},
        {"provider": "yookassa", "amount": "500.00", "currency": "RUB"},
        {"provider": "yoomoney", "amount": "500.00", "currency": "RUB"},
    ]
    assert [o["product_id"] for o in offers["offers"]] == ["premium-month", "ai-videos-5", "ai-videos-20"]


async def test_offers_follow_the_providers_that_are_configured(
    database_url: str, redis_url: str, payments_pool: asyncpg.Pool, redis: Redis
) -> None:
    async with payments_service(
        database_url, redis_url, payments_pool, redis, payment_providers="stars,yookassa", yookassa_secret_key=None
    ) as stars_only:
        offers = (await stars_only.internal.get("/internal/v1/offers")).json()
    assert offers["providers"] == ["stars"]
    assert {p["provider"] for o in offers["offers"] for p in o["prices"]} == {"stars"}


async def test_a_card_checkout_creates_one_yookassa_payment_however_often_the_tap_is_retried(service: Service) -> None:
    user = new_user()
    sent: list[httpx.Request] = []
    payment_id = str(uuid4())

    def create(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = json.loads(request.content)
        return httpx.Response(
            200,
            json=yookassa_payment(payment_id, purchase_id=body["metadata"]["purchase_id"], user=user, status="pending"),
        )

    service.yookassa.post("/payments").mock(side_effect=create)
    request: dict[str, Any] = {
        "product_id": "premium-month",
        "provider": "yookassa",
        "chat_id": user,
        "language": "en",
        "receipt_contact": "buyer@example.com",
    }
    headers = {"Idempotency-Key": str(uuid4())}
    first = await service.internal.post(f"/internal/v1/users/{user}/checkouts", json=request, headers=headers)
    second = await service.internal.post(f"/internal/v1/users/{user}/checkouts", json=request, headers=headers)
    assert first.status_code == second.status_code == 200, first.text
    assert first.json() == second.json()
    checkout = first.json()
    assert (checkout["provider"], checkout["status"]) == ("yookassa", "pending")
    assert checkout["confirmation_url"] == f"https://yookassa.test/checkout/{payment_id}"
    assert len(sent) == 1
    body = json.loads(sent[0].content)
    assert body["capture"] is True
    assert body["amount"] == {"value": "500.00", "currency": "RUB"}
    assert body["confirmation"] == {"type": "redirect", "return_url": RETURN_URL}
    assert body["metadata"] == {"user_id": str(user), "purchase_id": checkout["purchase_id"]}
    assert body["receipt"]["customer"] == {"email": "buyer@example.com"}
    assert body["receipt"]["tax_system_code"] == 2
    assert sent[0].headers["Idempotence-Key"] == f"storycam-payment-{checkout['purchase_id']}"
    purchase = await service.purchase(checkout["purchase_id"])
    assert purchase["provider_payment_id"] == payment_id
    assert b"buyer@example.com" not in purchase["personal"]
    opened = Sealer((DEVELOPMENT_ENCRYPTION_KEY,)).open(purchase["personal"])
    assert opened == {"receipt_contact": {"email": "buyer@example.com"}}

    other = {**request, "product_id": "ai-videos-5"}
    reused = await service.internal.post(f"/internal/v1/users/{user}/checkouts", json=other, headers=headers)
    assert reused.status_code == 409


async def test_a_lost_answer_is_asked_again_under_the_same_idempotence_key(service: Service) -> None:
    user = new_user()
    route = service.yookassa.post("/payments")
    route.mock(return_value=httpx.Response(503))
    request = {"product_id": "ai-videos-5", "provider": "yookassa", "chat_id": user, "receipt_contact": "a@b.ru"}
    headers = {"Idempotency-Key": str(uuid4())}
    failed = await service.internal.post(f"/internal/v1/users/{user}/checkouts", json=request, headers=headers)
    assert failed.status_code == 503
    payment_id = str(uuid4())
    route.mock(
        side_effect=lambda r: httpx.Response(
            200,
            json=yookassa_payment(
                payment_id,
                purchase_id=json.loads(r.content)["metadata"]["purchase_id"],
                user=user,
                status="pending",
                value="290.00",
            ),
        )
    )
    retried = await service.internal.post(f"/internal/v1/users/{user}/checkouts", json=request, headers=headers)
    assert retried.status_code == 200
    keys = {call.request.headers["Idempotence-Key"] for call in route.calls}
    assert keys == {f"storycam-payment-{retried.json()['purchase_id']}"}
    assert await service.pool.fetchval("SELECT count(*) FROM purchases WHERE user_id = $1", user) == 1


async def test_a_wallet_checkout_is_a_quickpay_link_labelled_with_the_purchase(service: Service) -> None:
    user = new_user()
    checkout = (await service.checkout(user, "ai-videos-20", "yoomoney")).json()
    url = checkout["confirmation_url"]
    assert url.startswith("https://yoomoney.ru/quickpay/confirm?")
    query = dict(httpx.URL(url).params)
    assert (query["receiver"], query["sum"], query["label"]) == (WALLET, "990.00", checkout["purchase_id"])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"product_id": "premium-year", "provider": "stars", "chat_id": 1}, 404),
        ({"product_id": "premium-month", "provider": "paypal", "chat_id": 1}, 422),
        ({"product_id": "premium-month", "provider": "yookassa", "chat_id": 1, "receipt_contact": "call me"}, 400),
        ({"product_id": "premium-month", "provider": "yookassa", "chat_id": 1}, 400),  # receipts on: a contact
    ],
)
async def test_a_checkout_that_cannot_be_made_is_a_clear_4xx(
    service: Service, body: dict[str, Any], status: int
) -> None:
    user = new_user()
    response = await service.internal.post(
        f"/internal/v1/users/{user}/checkouts", json=body, headers={"Idempotency-Key": str(uuid4())}
    )
    assert response.status_code == status, response.text
    assert await service.pool.fetchval("SELECT count(*) FROM purchases WHERE user_id = $1", user) == 0


async def test_payment_history_is_newest_first_and_limited(service: Service) -> None:
    user = new_user()
    made = [
        (await service.checkout(user, product, "stars")).json()["purchase_id"]
        for product in ("premium-month", "ai-videos-5", "ai-videos-20")
    ]
    history = (await service.internal.get(f"/internal/v1/users/{user}/payments", params={"limit": 2})).json()
    assert [p["purchase_id"] for p in history["payments"]] == made[::-1][:2]
    latest = history["payments"][0]
    assert (latest["product_id"], latest["amount"], latest["currency"], latest["status"]) == (
        "ai-videos-20",
        "600",
        "XTR",
        "pending",
    )
    assert latest["title"]["en"] == "20 AI videos"
    assert (await service.internal.get(f"/internal/v1/users/{user}/payments", params={"limit": 0})).status_code == 422


async def test_a_checkout_left_unpaid_for_a_day_leaves_the_history_until_it_is_paid(service: Service) -> None:
    user = new_user()
    walked_away, paid_late, fresh = [
        (await service.checkout(user, product, "stars")).json()["purchase_id"]
        for product in ("premium-month", "ai-videos-5", "ai-videos-20")
    ]
    await service.pool.execute(
        "UPDATE purchases SET created_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])",
        [walked_away, paid_late],
    )
    await service.pool.execute("UPDATE purchases SET status = 'succeeded' WHERE id = $1", paid_late)

    history = (await service.internal.get(f"/internal/v1/users/{user}/payments")).json()

    assert [p["purchase_id"] for p in history["payments"]] == [fresh, paid_late]
    assert await service.pool.fetchval("SELECT status FROM purchases WHERE id = $1", walked_away) == "pending"


async def test_with_receipts_on_a_card_checkout_needs_a_contact_and_takes_one_as_people_write_it(
    service: Service,
) -> None:
    assert (await service.internal.get("/internal/v1/offers")).json()["receipt_contact_for"] == ["yookassa"]
    user = new_user()
    bodies: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        purchase_id = bodies[-1]["metadata"]["purchase_id"]
        return httpx.Response(200, json=yookassa_payment(str(uuid4()), purchase_id=purchase_id, user=user))

    service.yookassa.post("/payments").mock(side_effect=create)
    card = {"product_id": "premium-month", "provider": "yookassa", "chat_id": user}

    async def checkout(**extra: str) -> httpx.Response:
        return await service.internal.post(
            f"/internal/v1/users/{user}/checkouts", json=card | extra, headers={"Idempotency-Key": str(uuid4())}
        )

    assert (await checkout()).json()["error"] == "receipt_contact_required"
    assert (await checkout(receipt_contact="call me")).json()["error"] == "receipt_contact_invalid"
    assert bodies == []  # neither reached YooKassa
    assert (await checkout(receipt_contact="+7 (900) 123-45-67")).status_code == 200
    assert bodies[0]["receipt"]["customer"] == {"phone": "79001234567"}
    # Stars need no receipt of ours: Telegram is the seller of record there.
    stars = await service.internal.post(
        f"/internal/v1/users/{user}/checkouts",
        json=card | {"provider": "stars"},
        headers={"Idempotency-Key": str(uuid4())},
    )
    assert stars.status_code == 200
