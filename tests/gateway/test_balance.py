"""/balance and /payments from what payments knows (stubbed with respx), auto-renewal cancelled through Telegram
then payments, and a kind word when payments is down."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from storycam.contracts.payments import LocalizedText, PaymentHistory, PaymentRecord, PurchaseStatus, Renewal
from tests.gateway.live import Platform, buttons, live_platform
from tests.gateway.payments_stub import PAYMENTS_URL, account, answer, body, in_days, payments_stub, stars_checkout
from tests.gateway.support import until

pytestmark = pytest.mark.slow


def _record(n: int, status: PurchaseStatus, *, stars: bool) -> PaymentRecord:
    at = datetime(2030, 1, n, 9, tzinfo=UTC)
    return PaymentRecord(
        purchase_id=uuid.uuid4(),
        product_id="premium_month" if stars else "credits_10",
        title=LocalizedText(ru="Премиум на 30 дней", en="Premium for 30 days")
        if stars
        else LocalizedText(ru="10 кредитов", en="10 credits"),
        provider="stars" if stars else "yookassa",
        amount=Decimal(250) if stars else Decimal("299.90"),
        currency="XTR" if stars else "RUB",
        status=status,
        created_at=at,
        updated_at=at,
    )


async def test_balance_shows_the_account(database_url: str, redis_url: str, redis: Redis) -> None:
    with payments_stub() as stub:
        route = stub.get(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/account")
        route.mock(return_value=answer(account()))
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            [free] = await platform.answer(platform.alice, "/balance")
            assert free["text"] == (
                "Your balance\n\nNo subscription (free access). Get one: /premium\n💎 Kiss Cam credits: 0\n\n"
                "Free\n🎬 Classic clips left today: 2 of 3\n🎁 AI video trial: available"
            )
            assert not buttons(free)

            route.mock(
                return_value=answer(
                    account(
                        premium=True,
                        premium_until=in_days(30),
                        renewal=Renewal(provider="yookassa", auto_renew=False),
                        credits=12,
                        credits_held=2,
                        allowances=account().allowances.model_copy(
                            update={"ai_trial_left": False, "ai_in_period": 10, "ai_left_in_period": 7}
                        ),
                    )
                )
            )
            [premium] = await platform.answer(platform.masha, "/balance")
            assert premium["text"] == (
                "Ваш баланс\n\n⭐ Премиум до 31.01.2030\n⏹ Автопродление выключено\n"
                "💎 Кредиты Kiss Cam: 12 (ещё 2 заняты видео в работе)\n\nБесплатно\n"
                "🎬 Классических клипов сегодня: 2 из 3\n🎁 Пробное ИИ-видео: использовано\n"
                "🤖 ИИ-видео по подписке: 7 из 10"
            )
            assert not buttons(premium), "only a Stars renewal is cancelled from here"


async def test_stars_auto_renewal_is_cancelled_through_telegram_then_payments(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout("premium_month", subscription=True), 201)
        )
        account_route = stub.get(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/account")
        renewal = stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/renewal").respond(200, json={})
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            charge = await _subscribe(platform, alice)
            account_route.mock(
                return_value=answer(
                    account(
                        premium=True,
                        premium_until=in_days(30),
                        renewal=Renewal(provider="stars", auto_renew=True, telegram_payment_charge_id=charge),
                    )
                )
            )
            [balance] = await platform.answer(alice, "/balance")
            assert "🔁 Auto-renewal is on (⭐ Stars)" in balance["text"]
            before = len(await platform.bot_messages(alice))
            await platform.tap(alice, balance["message_id"], buttons(balance)["⏹ Cancel auto-renewal"])
            [*_, said] = await platform.wait_for_bot(alice, before + 1)
            assert said["text"] == "Auto-renewal is off. Premium stays until January 31, 2030, then simply ends."
            # Telegram will not renew it any more...
            [subscription] = (await platform.control.get(f"/sandbox/users/{alice}/subscriptions")).json()[
                "subscriptions"
            ]
            assert subscription["canceled_by"] == "bot"
            # ...and payments was told after Telegram agreed.
            await until(lambda: _at_least(renewal.call_count, 1))
            assert renewal.calls.last.request.url.path == f"/internal/v1/users/{alice}/renewal"
            assert body(renewal.calls.last) == {"auto_renew": False}
            tapped = next(m for m in await platform.bot_messages(alice) if m["message_id"] == balance["message_id"])
            assert not buttons(tapped), "the button is used up"


async def _subscribe(platform: Platform, person: int) -> str:
    """Alice subscribes with Stars through the emulator's invoice link; the charge Telegram renews."""
    [offers] = await platform.answer(person, "/premium")
    await platform.tap(person, offers["message_id"], buttons(offers)["Stars · Premium for 30 days · 250 ⭐"])
    [link] = await platform.wait_for_bot(person, 1, where=lambda m: "every 30 days" in str(m.get("text")))
    [[button]] = link["reply_markup"]["inline_keyboard"]
    paid = await platform.control.post(f"/sandbox/users/{person}/invoice-links", json={"url": button["url"]})
    charge: str = paid.json()["message"]["successful_payment"]["telegram_payment_charge_id"]
    return charge


async def test_payments_lists_the_last_ten(database_url: str, redis_url: str, redis: Redis) -> None:
    records = [_record(n, "succeeded", stars=n % 2 == 0) for n in range(12, 0, -1)]
    records[1] = _record(11, "refunded", stars=False)
    with payments_stub() as stub:
        route = stub.get(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/payments")
        route.mock(return_value=answer(PaymentHistory(payments=records)))
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            [listed] = await platform.answer(platform.alice, "/payments")
            lines = listed["text"].split("\n")
            assert lines[:2] == ["Your payments", ""]
            assert lines[2:5] == [
                "January 12, 2030 · Premium for 30 days · 250 ⭐ · ✅ paid",
                "January 11, 2030 · 10 credits · 299.90 ₽ · ↩️ refunded",
                "January 10, 2030 · Premium for 30 days · 250 ⭐ · ✅ paid",
            ]
            assert len(lines) == 12
            assert route.calls.last.request.url.params["limit"] == "10"

            route.mock(return_value=answer(PaymentHistory(payments=[])))
            [empty] = await platform.answer(platform.masha, "/payments")
            assert empty["text"] == "Платежей пока нет. Посмотреть предложения: /premium"


async def test_balance_and_payments_say_so_when_payments_is_down(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, payments_url="http://127.0.0.1:9") as platform:
        [balance] = await platform.answer(platform.masha, "/balance")
        assert balance["text"].startswith("Не получается узнать баланс прямо сейчас")
        [history] = await platform.answer(platform.alice, "/payments")
        assert history["text"].startswith("I can't show your payments right now")


async def _at_least(count: int, wanted: int) -> bool:
    return count >= wanted
