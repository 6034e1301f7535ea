"""``payments.events`` told to the user: each kind in their language, once per event however often it is delivered;
a renewal button that opens that product's checkout; and a story bought from its paywall goes on by itself."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.payments import (
    Checkout,
    LocalizedText,
    PaymentCanceled,
    PaymentRefunded,
    PaymentSucceeded,
    ResumeStory,
    SubscriptionEnding,
    SubscriptionExpired,
)
from storycam.gateway.payment_news import GROUP
from storycam.kit.bus import StreamBus
from tests.gateway.live import buttons, live_platform
from tests.gateway.payments_stub import PAYMENTS_URL, answer, body, in_days, payments_stub
from tests.gateway.support import stream_settled, until

pytestmark = pytest.mark.slow

CARD_CHECKOUT = Checkout(
    purchase_id=uuid4(), provider="yookassa", status="pending", confirmation_url="https://yookassa.test/checkout/1"
)
PREMIUM = LocalizedText(ru="Премиум на 30 дней", en="Premium for 30 days")
CREDITS = LocalizedText(ru="10 кредитов на ИИ-видео", en="10 AI video credits")


def _id() -> str:
    return f"evt-{uuid.uuid4()}"


def _succeeded(user_id: int, **changes: Any) -> PaymentSucceeded:
    values: dict[str, Any] = {
        "event_id": _id(),
        "user_id": user_id,
        "purchase_id": uuid4(),
        "product_id": "premium_month",
        "title": PREMIUM,
        "provider": "stars",
        "amount": Decimal(250),
        "currency": "XTR",
        "premium_until": in_days(30),
    }
    return PaymentSucceeded(**(values | changes))


async def _publish(redis: Redis, *events: BaseModel) -> None:
    bus = StreamBus(redis)
    for event in events:
        await bus.publish(Streams.PAYMENTS_EVENTS, event)


async def _told(redis: Redis) -> bool:
    return await stream_settled(redis, Streams.PAYMENTS_EVENTS, GROUP)


async def test_each_payment_fact_is_told_once_in_the_users_language(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub():
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            await platform.settle(alice)  # Alice is known, in English
            succeeded = _succeeded(alice, credits_added=10)
            canceled = PaymentCanceled(
                event_id=_id(),
                user_id=alice,
                purchase_id=uuid4(),
                product_id="credits_10",
                provider="yookassa",
                reason="expired_on_confirmation",
            )
            refunded = PaymentRefunded(
                event_id=_id(),
                user_id=alice,
                purchase_id=uuid4(),
                product_id="credits_10",
                title=CREDITS,
                provider="stars",
                amount=Decimal(150),
                currency="XTR",
                credits_taken=10,
            )
            ending = SubscriptionEnding(
                event_id=_id(),
                user_id=alice,
                ends_at=in_days(3),
                days_left=3,
                auto_renew=False,
                product_id="premium_month",
            )
            renewing = SubscriptionEnding(
                event_id=_id(),
                user_id=alice,
                ends_at=in_days(1),
                days_left=1,
                auto_renew=True,
                product_id="premium_month",
            )
            expired = SubscriptionExpired(
                event_id=_id(), user_id=alice, ended_at=in_days(0), product_id="premium_month"
            )
            # Each event delivered twice (payments' relay republished it): told once.
            await _publish(
                redis, succeeded, succeeded, canceled, refunded, canceled, ending, renewing, expired, expired
            )
            # A kind the gateway does not tell is acked and ignored; a known kind that is malformed is dead-lettered.
            await StreamBus(redis).publish_raw(
                Streams.PAYMENTS_EVENTS, '{"type": "payments.subscription_started", "event_id": "x", "user_id": 1}'
            )
            await StreamBus(redis).publish_raw(
                Streams.PAYMENTS_EVENTS, '{"type": "payments.payment_succeeded", "event_id": "broken"}'
            )
            await until(lambda: _told(redis))
            told = await platform.settle(alice)
            texts = [m["text"] for m in told[1:]]
            assert texts == [
                "✅ Payment received: Premium for 30 days.\nPremium is active until January 31, 2030.\n"
                "Kiss Cam credits added: +10.\nThank you! It's all yours already: /balance",
                "❌ The payment for “10 AI video credits” didn't go through: the time to pay ran out. Nothing was "
                "charged. Try again: /premium",
                "↩️ Refund: 150 ⭐ for “10 AI video credits”.\nKiss Cam credits taken back: 10.\n"
                "Premium is no longer active.",
                "⏳ Your Premium ends in 3 days, on January 04, 2030.\nRenew so you keep premium stories and videos:",
                "⏳ Your Premium ends in 1 day, on January 02, 2030.\nIt will renew itself — there's nothing you need "
                "to do.",
                "Your Premium has ended. Premium stories are locked again, but your progress is saved — renew and "
                "we'll carry on:",
            ]
            assert list(buttons(told[4])) == ["⭐ Renew"]
            assert not buttons(told[5])
            [_malformed] = await redis.xrange(f"{Streams.PAYMENTS_EVENTS}.dead")

            # The renewal button opens /premium for that product only.
            before = len(await platform.bot_messages(alice))
            await platform.tap(alice, told[6]["message_id"], buttons(told[6])["⭐ Renew"])
            [*_, offers] = await platform.wait_for_bot(alice, before + 1)
            assert list(buttons(offers)) == [
                "Stars · Premium for 30 days · 250 ⭐",
                "💳 Card · Premium for 30 days · 500 ₽",
            ]


async def test_a_renewal_is_told_in_russian(database_url: str, redis_url: str, redis: Redis) -> None:
    with payments_stub():
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            masha = platform.masha
            await platform.settle(masha)
            await _publish(redis, _succeeded(masha, renewal=True, premium_until=in_days(60)))
            await until(lambda: _told(redis))
            [*_, told] = await platform.settle(masha)
            assert told["text"] == (
                "🔁 Подписка продлилась сама: Премиум на 30 дней, 250 ⭐.\nПремиум активен до 02.03.2030.\n"
                "Спасибо! Всё уже работает: /balance"
            )


async def test_a_story_bought_from_its_paywall_goes_on_once_paid(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        checkouts = stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(CARD_CHECKOUT, 201)
        )
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            [catalogue] = await platform.answer(alice, "/stories")
            await platform.tap(alice, catalogue["message_id"], buttons(catalogue)["⭐ The Keeper's Signal"])
            [paywall] = await platform.wait_for_bot(alice, 1, where=lambda m: "📚 Other stories" in buttons(m))
            [offer_button, _] = buttons(paywall).values()
            assert offer_button == "po:keepers-signal:", "the paywall's button carries the story"
            await platform.tap(alice, paywall["message_id"], offer_button)
            [offers] = await platform.wait_for_bot(alice, 1, where=lambda m: "Pick what to buy" in str(m.get("text")))
            before = len(await platform.bot_messages(alice))
            await platform.tap(alice, offers["message_id"], buttons(offers)["💳 Card · Premium for 30 days · 500 ₽"])
            await platform.wait_for_bot(alice, before + 1)
            assert body(checkouts.calls.last)["resume"] == {"story_slug": "keepers-signal"}

            # Payments granted premium (here: support's grant on the real service the story service asks) and says so.
            granted = await platform.payments.post(
                f"/internal/v1/users/{alice}/subscriptions/grants",
                json={"days": 30, "reason": "test purchase"},
                headers={"Idempotency-Key": str(uuid4())},
            )
            assert granted.status_code == 201
            await _publish(redis, _succeeded(alice, resume=ResumeStory(story_slug="keepers-signal")))
            scene = await platform.wait_for_bot(
                alice, 1, where=lambda m: "The supply boat noses against the landing stage" in str(m.get("text"))
            )
            assert "Ask what he thinks happened to Orla" in buttons(scene[0])
            told = [m["text"] for m in await platform.bot_messages(alice) if "Payment received" in str(m.get("text"))]
            assert told == [
                "✅ Payment received: Premium for 30 days.\nPremium is active until January 31, 2030.\n"
                "Picking the story up right where you left off…"
            ]
            # The story is the one free text now goes to.
            [reply] = await platform.answer(alice, "ask about the weather")
            assert "Blow all night" in reply["text"]
