"""``/delete_me`` and payments: purchases stay for the law, unlinked from the Telegram id and without personal
fields; the renewal goes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from tests.payments.support import Service, yoomoney_form
from tests.story.support import new_user


async def test_erasure_unlinks_purchases_and_drops_what_is_personal(service: Service, redis: Redis) -> None:
    user = new_user()
    by_wallet = (await service.checkout(user, "premium-month", "yoomoney")).json()["purchase_id"]
    assert (await service.notify_yoomoney(yoomoney_form(by_wallet))).status_code == 200
    by_stars = (await service.checkout(user, "premium-month", "stars", resume={"story_slug": "night-train"})).json()
    payment = {
        "user_id": user,
        "chat_id": user,
        "payload": by_stars["stars_invoice"]["payload"],
        "currency": "XTR",
        "total_amount": 300,
        "telegram_payment_charge_id": f"stxcharge-{uuid.uuid4().hex}",
        "is_recurring": True,
        "is_first_recurring": True,
        "subscription_expiration_date": datetime.now(UTC).isoformat(),
    }
    assert (await service.internal.post("/internal/v1/stars/payments", json=payment)).json()["granted"] is True
    other = new_user()
    kept = (await service.checkout(other, "ai-videos-5", "yoomoney")).json()["purchase_id"]
    assert await service.pool.fetchval("SELECT count(*) FROM renewals WHERE user_id = $1", user) == 1

    # A payment we never knew (no purchase of ours) whose metadata names the user, and one naming someone else.
    for person in (user, other):
        await service.pool.execute(
            "INSERT INTO payment_mismatches (provider, provider_payment_id, purchase_id, reason, details) "
            "VALUES ('yookassa', $1, NULL, 'unknown_payment', $2)",
            str(uuid.uuid4()),
            {"metadata": {"user_id": str(person), "purchase_id": str(uuid.uuid4())}, "status": "succeeded"},
        )
    event = UserErasureRequested(request_id=uuid.uuid4(), user_id=user, requested_at=datetime.now(UTC))
    await redis.xadd(Streams.USERS_ERASURE, {"data": event.model_dump_json()})
    for _ in range(200):
        if not await service.pool.fetchval("SELECT count(*) FROM purchases WHERE user_id = $1", user):
            break
        await asyncio.sleep(0.05)

    rows = await service.pool.fetch(
        "SELECT user_id, personal, resume, chat_id, erased_at, status FROM purchases WHERE id = ANY($1::uuid[])",
        [uuid.UUID(by_wallet), uuid.UUID(by_stars["purchase_id"])],
    )
    assert len(rows) == 2  # kept
    surrogates = {row["user_id"] for row in rows}
    assert len(surrogates) == 1
    assert next(iter(surrogates)) < 0
    assert all(row["personal"] is None and row["resume"] is None and row["chat_id"] is None for row in rows)
    assert all(row["erased_at"] is not None and row["status"] == "succeeded" for row in rows)
    unknown = await service.pool.fetch("SELECT details FROM payment_mismatches WHERE purchase_id IS NULL")
    named = [row["details"]["metadata"]["user_id"] for row in unknown if "metadata" in row["details"]]
    assert str(user) not in named
    assert str(other) in named  # someone else's stays as it was
    assert any(row["details"] == {"status": "succeeded"} for row in unknown)  # the record itself is kept
    assert await service.pool.fetchval("SELECT count(*) FROM subscriptions WHERE user_id = $1", user) == 0
    assert (
        await service.pool.fetchval("SELECT count(*) FROM subscriptions WHERE user_id = $1", next(iter(surrogates)))
        == 2
    )
    assert await service.pool.fetchval("SELECT count(*) FROM renewals WHERE user_id = $1", user) == 0
    history = (await service.internal.get(f"/internal/v1/users/{user}/payments")).json()
    assert history == {"payments": []}
    assert (await service.purchase(kept))["user_id"] == other  # nobody else's
