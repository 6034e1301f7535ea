"""The payments service as the provider tests see it: YooKassa and YooMoney configured, YooKassa played by respx,
a signed client for the internal routes and unsigned ones posting notifications from a chosen address."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import respx
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from starlette.types import ASGIApp

from storycam.contracts.events import Streams
from storycam.kit.service_auth import ServiceAuth
from storycam.payments.context import PaymentsContext
from tests.support.services import BY_NAME, TEST_SECRET, build

YOOKASSA_API = "https://yookassa.test/v3"
YOOKASSA_PEER = "185.71.76.10"  # inside YooKassa's 185.71.76.0/27
STRANGER = "203.0.113.7"
PROXY = "10.1.2.3"
WALLET = "410011234567890"
YOOMONEY_SECRET = "yoomoney-notification-secret"
RETURN_URL = "https://t.me/storycam_test_bot"


def payments_settings(**overrides: Any) -> dict[str, Any]:
    return {
        "payment_providers": "stars,yookassa,yoomoney",
        "yookassa_shop_id": "100500",
        "yookassa_secret_key": "test_secret_key",
        "yookassa_api_base": YOOKASSA_API,
        "yookassa_max_attempts": 1,
        "yoomoney_wallet": WALLET,
        "yoomoney_notification_secret": YOOMONEY_SECRET,
        "payment_return_url": RETURN_URL,
        "trusted_proxies": "10.0.0.0/8",
        # Nothing in these tests is old enough for the periodic pass; tests call the reconciler themselves.
        "reconcile_every_seconds": 3600,
        **overrides,
    }


@dataclass
class Service:
    app: ASGIApp
    internal: httpx.AsyncClient
    pool: asyncpg.Pool
    redis: Redis
    yookassa: respx.MockRouter
    payments: PaymentsContext

    def from_address(self, address: str) -> httpx.AsyncClient:
        """An unsigned client whose connection comes from ``address``."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000), raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://service")

    async def notify_yookassa(
        self, body: Any, *, address: str = YOOKASSA_PEER, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        async with self.from_address(address) as client:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            return await client.post(
                "/webhooks/yookassa", content=content, headers={"content-type": "application/json", **(headers or {})}
            )

    async def notify_yoomoney(self, form: Mapping[str, str] | bytes) -> httpx.Response:
        async with self.from_address(STRANGER) as client:  # YooMoney is believed by its hash, not its address
            if isinstance(form, bytes):
                return await client.post(
                    "/webhooks/yoomoney",
                    content=form,
                    headers={"content-type": "application/x-www-form-urlencoded"},
                )
            return await client.post("/webhooks/yoomoney", data=dict(form))

    async def checkout(self, user: int, product_id: str, provider: str, **extra: Any) -> httpx.Response:
        return await self.internal.post(
            f"/internal/v1/users/{user}/checkouts",
            json={"product_id": product_id, "provider": provider, "chat_id": user, **extra},
            headers={"Idempotency-Key": str(uuid4())},
        )

    async def events(self, user: int) -> list[dict[str, Any]]:
        """The user's events on payments.events, committed so far (in the outbox, or relayed already)."""
        found: dict[str, dict[str, Any]] = {}
        rows = await self.pool.fetch("SELECT data FROM outbox WHERE stream = $1 ORDER BY id", Streams.PAYMENTS_EVENTS)
        relayed = await self.redis.xrange(Streams.PAYMENTS_EVENTS)
        for data in [row["data"] for row in rows] + [fields[b"data"].decode() for _, fields in relayed]:
            event = json.loads(data)
            if event["user_id"] == user:
                found.setdefault(event["event_id"], event)
        return sorted(found.values(), key=lambda e: e["event_id"])

    async def purchase(self, purchase_id: UUID | str) -> asyncpg.Record:
        row = await self.pool.fetchrow("SELECT * FROM purchases WHERE id = $1", UUID(str(purchase_id)))
        assert row is not None
        return row

    async def premium_periods(self, user: int) -> list[asyncpg.Record]:
        return await self.pool.fetch("SELECT * FROM subscriptions WHERE user_id = $1 ORDER BY active_from, id", user)

    async def credits(self, user: int) -> int:
        value = await self.pool.fetchval("SELECT available FROM credit_balances WHERE user_id = $1", user)
        return int(value or 0)

    async def mismatches(self, purchase_id: UUID | str) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT reason FROM payment_mismatches WHERE purchase_id = $1 ORDER BY id", UUID(str(purchase_id))
        )
        return [row["reason"] for row in rows]


@asynccontextmanager
async def payments_service(
    database_url: str, redis_url: str, pool: asyncpg.Pool, redis: Redis, **overrides: Any
) -> AsyncIterator[Service]:
    app = build(BY_NAME["payments"], database_url, redis_url, **payments_settings(**overrides))
    with respx.mock(base_url=YOOKASSA_API, assert_all_called=False) as yookassa:
        async with LifespanManager(app, startup_timeout=20, shutdown_timeout=20) as manager:
            transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
            auth = ServiceAuth(TEST_SECRET, "tests")
            async with httpx.AsyncClient(transport=transport, base_url="http://service", auth=auth) as internal:
                yield Service(
                    app=manager.app,
                    internal=internal,
                    pool=pool,
                    redis=redis,
                    yookassa=yookassa,
                    payments=app.state.payments,
                )


def yookassa_payment(
    payment_id: str,
    *,
    purchase_id: UUID | str,
    user: int,
    status: str = "succeeded",
    value: str = "500.00",
    currency: str = "RUB",
    **extra: Any,
) -> dict[str, Any]:
    """A payment as YooKassa's API answers it."""
    return {
        "id": payment_id,
        "status": status,
        "paid": status == "succeeded",
        "amount": {"value": value, "currency": currency},
        "confirmation": {"type": "redirect", "confirmation_url": f"https://yookassa.test/checkout/{payment_id}"},
        "created_at": "2026-11-30T17:00:00.000Z",
        "description": "Premium",
        "metadata": {"user_id": str(user), "purchase_id": str(purchase_id)},
        "refundable": status == "succeeded",
        "test": True,
        **extra,
    }


def notification(event: str, object_id: str, **object_fields: Any) -> dict[str, Any]:
    """A notification as YooKassa posts it (its object is never believed: the tests make it lie when they can)."""
    return {"type": "notification", "event": event, "object": {"id": object_id, **object_fields}}


def new_payment_id() -> str:
    return str(uuid4())


def yoomoney_form(
    purchase_id: UUID | str | None,
    *,
    amount: str = "485.00",
    withdraw_amount: str | None = "500.00",
    operation_id: str | None = None,
    unaccepted: str = "false",
    secret: str = YOOMONEY_SECRET,
    **overrides: str,
) -> dict[str, str]:
    """A notification signed as YooMoney signs it (with ``secret``)."""
    form = {
        "notification_type": "p2p-incoming",
        "operation_id": operation_id or f"op-{uuid4().hex[:16]}",
        "amount": amount,
        "currency": "643",
        "datetime": "2026-11-30T17:00:00Z",
        "sender": "41001000040",
        "codepro": "false",
        "label": str(purchase_id) if purchase_id else "",
        "unaccepted": unaccepted,
        **overrides,
    }
    if withdraw_amount is not None:
        form["withdraw_amount"] = withdraw_amount
    signed = "&".join(
        [
            *(form[k] for k in ("notification_type", "operation_id", "amount", "currency", "datetime", "sender")),
            form["codepro"],
            secret,
            form["label"],
        ]
    )
    form["sha1_hash"] = hashlib.sha1(signed.encode()).hexdigest()  # noqa: S324 - YooMoney's scheme
    return form


RUB = Decimal("500.00")


async def card_purchase(service: Service, user: int, product_id: str = "premium-month") -> tuple[str, str]:
    """A checkout by card: (purchase id, YooKassa payment id), the payment pending at YooKassa."""
    payment_id = new_payment_id()
    created: dict[str, Any] = {}

    def create(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        created.update(body)
        value = body["amount"]["value"]
        answer = yookassa_payment(
            payment_id, purchase_id=body["metadata"]["purchase_id"], user=user, status="pending", value=value
        )
        return httpx.Response(200, json=answer)

    service.yookassa.post("/payments").mock(side_effect=create)
    response = await service.checkout(user, product_id, "yookassa")
    assert response.status_code == 200, response.text
    return response.json()["purchase_id"], payment_id


def yookassa_says(service: Service, payment_id: str, answer: dict[str, Any] | None) -> None:
    route = service.yookassa.get(f"/payments/{payment_id}")
    route.mock(
        return_value=httpx.Response(404, json={"type": "error", "code": "not_found"})
        if answer is None
        else httpx.Response(200, json=answer)
    )
