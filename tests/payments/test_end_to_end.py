"""End to end, with nothing stubbed but Telegram and YooKassa (the sandbox's emulators): /premium in the chat, the
payment (Stars, a Stars subscription and its renewal, a card on YooKassa's checkout), the grant, the news."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.payments.sealing import Sealer
from storycam.payments.settings import DEVELOPMENT_ENCRYPTION_KEY
from tests.gateway.live import Platform, buttons, live_platform, words
from tests.gateway.support import until

pytestmark = pytest.mark.slow


async def test_alice_buys_ai_videos_with_stars_and_is_told_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        alice = platform.alice  # the emulator's people are the same in every test: count from here
        credits_before = (await platform.payments.get(f"/internal/v1/users/{alice}/account")).json()["credits"]
        [offers] = await platform.answer(alice, "/premium")
        [label] = [b for b in buttons(offers) if "5 AI videos" in b and "⭐" in b]
        await platform.tap(alice, offers["message_id"], buttons(offers)[label])
        [invoice] = await platform.wait_for_bot(alice, 1, where=lambda m: "invoice" in m)
        assert invoice["invoice"]["total_amount"] == 175
        paid = await platform.control.post(
            f"/sandbox/users/{alice}/payments", json={"message_id": invoice["message_id"]}
        )
        paid.raise_for_status()
        assert paid.json()["status"] != "declined", paid.json()

        account = None
        async with asyncio.timeout(20):
            while True:
                account = (await platform.payments.get(f"/internal/v1/users/{alice}/account")).json()
                if account["credits"] > credits_before:
                    break
                await asyncio.sleep(0.1)
        assert account["credits"] == credits_before + 5
        latest = (await platform.payments.get(f"/internal/v1/users/{alice}/payments")).json()["payments"][0]
        assert (latest["product_id"], latest["provider"], latest["status"], latest["amount"]) == (
            "ai-videos-5",
            "stars",
            "succeeded",
            "175",
        )
        [told] = await platform.wait_for_bot(
            alice, 1, where=lambda m: words(m).startswith("✅ Payment received: 5 AI videos")
        )
        assert "Kiss Cam credits added: +5" in words(told)
        # Told once: the event's id makes a redelivery say nothing more.
        await platform.settle(alice)
        received = [
            m
            for m in await platform.bot_messages(alice)
            if words(m).startswith("✅ Payment received") and m["message_id"] > invoice["message_id"]
        ]
        assert len(received) == 1


async def test_a_stars_subscription_and_telegram_s_renewal_extend_premium(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        alice = platform.alice
        [offers] = await platform.answer(alice, "/premium")
        [label] = [b for b in buttons(offers) if "Premium" in b and "⭐" in b]
        await platform.tap(alice, offers["message_id"], buttons(offers)[label])

        def has_link(message: dict[str, Any]) -> bool:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            return any("url" in b for row in rows for b in row) and message["message_id"] > offers["message_id"]

        [pay_message] = await platform.wait_for_bot(alice, 1, where=has_link)
        [url] = [b["url"] for row in pay_message["reply_markup"]["inline_keyboard"] for b in row if "url" in b]
        paid = await platform.control.post(f"/sandbox/users/{alice}/invoice-links", json={"url": url})
        paid.raise_for_status()
        assert paid.json()["status"] == "paid", paid.json()

        async def periods(count: int) -> list[Any]:
            async with asyncio.timeout(20):
                while True:
                    rows = await _periods(database_url, alice)
                    if len(rows) >= count:
                        return rows
                    await asyncio.sleep(0.1)

        [first] = await periods(1)
        [subscription] = (await platform.control.get(f"/sandbox/users/{alice}/subscriptions")).json()["subscriptions"]
        renewed = await platform.control.post(
            f"/sandbox/users/{alice}/subscriptions/{subscription['telegram_payment_charge_ids'][0]}/renew"
        )
        renewed.raise_for_status()
        first, second = await periods(2)
        assert second["active_from"] == first["active_until"]
        assert second["active_until"] - second["active_from"] == timedelta(days=30)
        account = (await platform.payments.get(f"/internal/v1/users/{alice}/account")).json()
        assert account["premium"] is True
        assert datetime.fromisoformat(account["premium_until"]) == second["active_until"]
        assert account["renewal"]["auto_renew"] is True
        [news] = await platform.wait_for_bot(
            alice, 1, where=lambda m: words(m).startswith("🔁 Your subscription renewed")
        )
        assert "Premium for 30 days" in words(news)


async def _periods(database_url: str, user: int) -> list[Any]:
    connection = await asyncpg.connect(database_url)
    try:
        return list(
            await connection.fetch(
                "SELECT active_from, active_until FROM payments.subscriptions WHERE user_id = $1 ORDER BY active_from",
                user,
            )
        )
    finally:
        await connection.close()


async def test_a_card_purchase_from_premium_through_yookassa_s_checkout_gives_premium(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, card_payments=True) as platform:
        alice = platform.alice
        [offers] = await platform.answer(alice, "/premium")
        [label] = [b for b in buttons(offers) if "Premium" in b and "⭐" not in b]
        await platform.tap(alice, offers["message_id"], buttons(offers)[label])

        def has_link(message: dict[str, Any]) -> bool:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            return any("url" in b for row in rows for b in row) and message["message_id"] > offers["message_id"]

        [pay_message] = await platform.wait_for_bot(alice, 1, where=has_link)
        [url] = [b["url"] for row in pay_message["reply_markup"]["inline_keyboard"] for b in row if "url" in b]
        payment_id = url.rstrip("/").rsplit("/", 1)[-1]
        pressed = await platform.control.post(f"/sandbox/yookassa/payments/{payment_id}/pay")
        pressed.raise_for_status()

        # The emulator notifies the webhook from 127.0.0.1; payments re-reads the payment from the emulator's API.
        async with asyncio.timeout(20):
            while not (await platform.payments.get(f"/internal/v1/users/{alice}/entitlements")).json()["premium"]:
                await asyncio.sleep(0.1)
        latest = (await platform.payments.get(f"/internal/v1/users/{alice}/payments")).json()["payments"][0]
        assert (latest["product_id"], latest["provider"], latest["status"], latest["amount"]) == (
            "premium-month",
            "yookassa",
            "succeeded",
            "500.00",
        )
        [told] = await platform.wait_for_bot(
            alice, 1, where=lambda m: words(m).startswith("✅ Payment received: Premium for 30 days")
        )
        assert told["message_id"] > pay_message["message_id"]


async def test_with_receipts_on_the_card_checkout_asks_where_the_receipt_goes_first(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, card_payments=True, payments_settings=RECEIPTS) as platform:
        alice = platform.alice
        ask = await _buy_premium_by_card(platform, alice, "Premium", "🧾 By law")
        assert list(buttons(ask)) == ["✖️ Cancel"]
        assert (await platform.control.get("/sandbox/yookassa/payments")).json()["payments"] == []

        [again] = await platform.answer(alice, "call me maybe")
        assert words(again).startswith("That doesn't look like an e-mail or a phone number.")
        said = await platform.say(alice, "alice@example.com")

        def has_link(message: dict[str, Any]) -> bool:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            return any("url" in b for row in rows for b in row) and message["message_id"] > said["message_id"]

        await platform.wait_for_bot(alice, 1, seconds=30, where=has_link)  # payments, YooKassa, then Telegram
        [payment] = (await platform.control.get("/sandbox/yookassa/payments")).json()["payments"]
        assert payment["receipt_registration"] == "pending"  # a receipt went with the payment
        sealed = await _personal(database_url, alice)
        assert Sealer((DEVELOPMENT_ENCRYPTION_KEY,)).open(sealed) == {"receipt_contact": {"email": "alice@example.com"}}
        # The wait is over: the question's old Cancel button only says so, and what Alice writes now is not taken
        # for a contact.
        answer = await platform.tap(alice, ask["message_id"], buttons(ask)["✖️ Cancel"])
        await until(lambda: _answered(platform, answer))
        closed = (await platform.control.get(f"/sandbox/callbacks/{answer}")).json()["answer"]
        assert closed["text"] == "That question is closed already."
        [reply] = await platform.answer(alice, "hello there")
        assert not words(reply).startswith("That doesn't look like")


async def test_not_giving_a_receipt_contact_opens_nothing(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, card_payments=True, payments_settings=RECEIPTS) as platform:
        masha = platform.masha
        ask = await _buy_premium_by_card(platform, masha, "Премиум", "🧾 По закону")
        await platform.tap(masha, ask["message_id"], buttons(ask)["✖️ Отмена"])
        [told] = await platform.wait_for_bot(masha, 1, where=lambda m: words(m).startswith("Хорошо, оплата не начата"))
        assert told["message_id"] > ask["message_id"]
        assert (await platform.control.get("/sandbox/yookassa/payments")).json()["payments"] == []
        [reply] = await platform.answer(masha, "привет")
        assert not words(reply).startswith("Это не похоже")


RECEIPTS = {"yookassa_tax_system_code": 1}  # the shop sends 54-FZ receipts


async def _buy_premium_by_card(platform: Platform, person: int, premium: str, asked: str) -> dict[str, Any]:
    """/premium, the card button for Premium; the bot's question that starts with ``asked``."""
    [offers] = await platform.answer(person, "/premium")
    [label] = [b for b in buttons(offers) if premium in b and "⭐" not in b]
    await platform.tap(person, offers["message_id"], buttons(offers)[label])
    [ask] = await platform.wait_for_bot(person, 1, where=lambda m: words(m).startswith(asked))
    return ask


async def _answered(platform: Platform, query_id: str) -> bool:
    return bool((await platform.control.get(f"/sandbox/callbacks/{query_id}")).json()["answered"])


async def _personal(database_url: str, user: int) -> bytes:
    connection = await asyncpg.connect(database_url)
    try:
        sealed: bytes = await connection.fetchval(
            "SELECT personal FROM payments.purchases WHERE user_id = $1 AND provider = 'yookassa'", user
        )
        return sealed
    finally:
        await connection.close()


async def test_a_receipt_question_left_unanswered_lapses(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, card_payments=True, payments_settings=RECEIPTS) as platform:
        alice = platform.alice
        await _buy_premium_by_card(platform, alice, "Premium", "🧾 By law")
        # A quarter of an hour later (the wait's deadline moved into the past, where it would be by then):
        [key] = [k async for k in redis.scan_iter(match=f"fsm:*:{alice}:data")]
        stored = await redis.get(key)
        assert stored is not None
        data = json.loads(stored)
        await redis.set(key, json.dumps(data | {"buying_until": 0}))

        [lapsed] = await platform.answer(alice, "what happens next in the story?")
        assert words(lapsed).startswith("The card purchase waited too long for a receipt address")
        [reply] = await platform.answer(alice, "what happens next in the story?")
        assert not words(reply).startswith(("The card purchase", "That doesn't look like"))
        assert (await platform.control.get("/sandbox/yookassa/payments")).json()["payments"] == []
