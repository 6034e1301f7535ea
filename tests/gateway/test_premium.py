"""/premium through the Telegram emulator, payments stubbed with respx: the offers in the user's language, and each
way to pay (a Stars invoice, a Stars subscription link, the card checkout's link); a double tap opens one purchase."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import respx
from redis.asyncio import Redis

from storycam.contracts.payments import Checkout
from tests.gateway.live import Platform, buttons, live_platform
from tests.gateway.payments_stub import (
    MONTH,
    PAYMENTS_URL,
    answer,
    body,
    payments_stub,
    stars_checkout,
)
from tests.gateway.support import until

pytestmark = pytest.mark.slow


async def _offers(platform: Platform, person: int) -> dict[str, Any]:
    [offers] = await platform.answer(person, "/premium")
    return offers


async def test_premium_shows_the_offers_in_the_users_language(database_url: str, redis_url: str, redis: Redis) -> None:
    with payments_stub():
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            english = await _offers(platform, platform.alice)
            assert "Premium for 30 days — 250 ⭐ or 500 ₽" in english["text"]
            assert "10 AI video credits — 150 ⭐ or 299.90 ₽" in english["text"]
            # One button per offer and way to pay offered now (YooMoney is in the catalogue but not offered).
            assert list(buttons(english)) == [
                "Stars · Premium for 30 days · 250 ⭐",
                "💳 Card · Premium for 30 days · 500 ₽",
                "Stars · 10 AI video credits · 150 ⭐",
                "💳 Card · 10 AI video credits · 299.90 ₽",
            ]

            russian = await _offers(platform, platform.masha)
            assert "Премиум на 30 дней — 250 ⭐ или 500 ₽" in russian["text"]
            assert "10 кредитов на ИИ-видео — 150 ⭐ или 299,90 ₽" in russian["text"]
            assert "💳 Картой · Премиум на 30 дней · 500 ₽" in buttons(russian)

            # The main menu's Premium button shows the same offers.
            [menu] = await platform.answer(platform.alice, "/start")
            before = len(await platform.bot_messages(platform.alice))
            await platform.tap(platform.alice, menu["message_id"], buttons(menu)["⭐ Premium"])
            [*_, shown] = await platform.wait_for_bot(platform.alice, before + 1)
            assert list(buttons(shown)) == list(buttons(english))


async def test_premium_says_so_kindly_when_payments_is_down(database_url: str, redis_url: str, redis: Redis) -> None:
    with payments_stub() as stub:
        stub["offers"].respond(503)
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            [reply] = await platform.answer(platform.masha, "/premium")
            assert reply["text"].startswith("Оплата сейчас недоступна. Деньги не списаны")


async def test_a_stars_purchase_from_invoice_to_payment_reported(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    checkout = stars_checkout("credits_10")
    with payments_stub() as stub:
        route = stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(checkout, 201)
        )
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            offers = await _offers(platform, alice)
            stars = buttons(offers)["Stars · 10 AI video credits · 150 ⭐"]
            # A double tap: two callback queries for one button. One purchase: the same key both times.
            await platform.tap(alice, offers["message_id"], stars)
            await platform.tap(alice, offers["message_id"], stars)
            invoices = await platform.wait_for_bot(alice, 2, where=lambda m: "invoice" in m)
            await until(lambda: _called(route, 2))
            keys = {call.request.headers["idempotency-key"] for call in route.calls}
            assert len(keys) == 1
            assert body(route.calls[0]) == {
                "product_id": "credits_10",
                "provider": "stars",
                "chat_id": alice,
                "language": "en",
                "resume": None,
                "receipt_contact": None,  # Stars: Telegram sells, so no receipt of ours
            }
            invoice = invoices[0]["invoice"]
            assert (invoice["currency"], invoice["total_amount"], invoice["title"]) == (
                "XTR",
                150,
                "10 AI video credits",
            )

            # Alice presses Pay: payments is asked before Telegram may take the Stars, then told it did.
            paid = await platform.control.post(
                f"/sandbox/users/{alice}/payments", json={"message_id": invoices[0]["message_id"]}
            )
            assert paid.json()["status"] == "paid"
            assert body(stub["pre_checkout"].calls.last) == {
                "user_id": alice,
                "payload": checkout.stars_invoice.payload if checkout.stars_invoice else "",
                "currency": "XTR",
                "total_amount": 150,
            }
            await until(lambda: _called(stub["stars_payments"], 1))
            reported = body(stub["stars_payments"].calls.last)
            receipt = paid.json()["message"]["successful_payment"]
            assert reported["telegram_payment_charge_id"] == receipt["telegram_payment_charge_id"]
            assert (reported["payload"], reported["total_amount"], reported["is_recurring"]) == (
                receipt["invoice_payload"],
                150,
                False,
            )
            # Nothing more is said now: the user hears what they got from payments' event (see test_payment_news).
            said = await platform.settle(alice)
            assert not [m for m in said if "Payment" in str(m.get("text"))]


async def test_a_stars_subscription_is_bought_through_an_invoice_link_and_renews(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout("premium_month", subscription=True), 201)
        )
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            offers = await _offers(platform, alice)
            await platform.tap(alice, offers["message_id"], buttons(offers)["Stars · Premium for 30 days · 250 ⭐"])
            [link] = await platform.wait_for_bot(alice, 1, where=lambda m: "every 30 days" in str(m.get("text")))
            [[button]] = link["reply_markup"]["inline_keyboard"]
            assert button["text"] == "⭐ Subscribe for 250 ⭐"
            sold = (await platform.control.get(f"/sandbox/invoice-links/{button['url'].rsplit('$', 1)[1]}")).json()
            assert sold["subscription_period"] == MONTH
            assert (sold["invoice"]["currency"], sold["invoice"]["total_amount"]) == ("XTR", 250)

            # Alice opens the link and pays: the first payment of a subscription.
            paid = await platform.control.post(f"/sandbox/users/{alice}/invoice-links", json={"url": button["url"]})
            assert paid.json()["status"] == "paid"
            await until(lambda: _called(stub["stars_payments"], 1))
            first = body(stub["stars_payments"].calls.last)
            assert (first["is_recurring"], first["is_first_recurring"]) == (True, True)
            assert first["subscription_expiration_date"] is not None

            # Thirty days on, Telegram renews it by itself: reported as a recurring payment with a new charge.
            [subscription] = (await platform.control.get(f"/sandbox/users/{alice}/subscriptions")).json()[
                "subscriptions"
            ]
            charge = subscription["telegram_payment_charge_ids"][0]
            assert charge == first["telegram_payment_charge_id"]
            renewed = await platform.control.post(f"/sandbox/users/{alice}/subscriptions/{charge}/renew")
            renewed.raise_for_status()
            await until(lambda: _called(stub["stars_payments"], 2))
            second = body(stub["stars_payments"].calls.last)
            assert (second["is_recurring"], second["is_first_recurring"]) == (True, False)
            assert second["telegram_payment_charge_id"] != charge
            assert second["payload"] == first["payload"]


async def test_a_card_purchase_opens_the_checkout_page(database_url: str, redis_url: str, redis: Redis) -> None:
    url = "https://yookassa.test/checkout/payments/v2/contract?orderId=1"
    card = Checkout(purchase_id=uuid.uuid4(), provider="yookassa", status="pending", confirmation_url=url)
    with payments_stub() as stub:
        route = stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(card, 201)
        )
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            offers = await _offers(platform, platform.masha)
            await platform.tap(
                platform.masha, offers["message_id"], buttons(offers)["💳 Картой · Премиум на 30 дней · 500 ₽"]
            )
            [link] = await platform.wait_for_bot(
                platform.masha, 1, where=lambda m: "защищённой странице" in str(m.get("text"))
            )
            [[button]] = link["reply_markup"]["inline_keyboard"]
            assert (button["text"], button["url"]) == ("💳 Оплатить 500 ₽", url)
            assert body(route.calls.last)["language"] == "ru"


async def _called(route: respx.Route, times: int) -> bool:
    return route.call_count >= times
