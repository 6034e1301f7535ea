"""Stars in the chat beyond the happy path: a pre-checkout answered "no" kindly and in time when payments hangs or
says no, a payment payments cannot match, and refunds asked for on ``telegram.outbound``, made once per request."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.payments import PaymentOutcome, PreCheckoutVerdict
from storycam.contracts.telegram import StarsRefund
from storycam.kit.bus import StreamBus
from tests.gateway.live import Platform, buttons, live_platform
from tests.gateway.payments_stub import PAYMENTS_URL, answer, body, payments_stub, stars_checkout
from tests.gateway.support import stream_settled, until

pytestmark = pytest.mark.slow


async def _invoice(platform: Platform, person: int, label: str) -> dict[str, Any]:
    [offers] = await platform.answer(person, "/premium")
    await platform.tap(person, offers["message_id"], buttons(offers)[label])
    [invoice] = await platform.wait_for_bot(person, 1, where=lambda m: "invoice" in m)
    return invoice


async def _pay(platform: Platform, person: int, invoice: dict[str, Any]) -> dict[str, Any]:
    response = await platform.control.post(
        f"/sandbox/users/{person}/payments", json={"message_id": invoice["message_id"]}
    )
    response.raise_for_status()
    outcome: dict[str, Any] = response.json()
    return outcome


async def test_a_pre_checkout_is_declined_kindly_before_telegrams_deadline_when_payments_hangs(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    never = asyncio.Event()

    async def hang(_: httpx.Request) -> httpx.Response:
        await never.wait()  # cancelled by the gateway's own time limit
        raise AssertionError("unreachable")

    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout(), 201)
        )
        stub["pre_checkout"].mock(side_effect=hang)
        # The emulator waits Telegram's 10 s for the answer; the gateway gives payments 1 s of them.
        async with live_platform(
            database_url, redis_url, payments_url=PAYMENTS_URL, pre_checkout_timeout_seconds=1.0
        ) as platform:
            invoice = await _invoice(platform, platform.alice, "Stars · 10 AI video credits · 150 ⭐")
            outcome = await _pay(platform, platform.alice, invoice)
            assert outcome["status"] == "declined", "answered before the deadline, not left to time out"
            assert outcome["error_message"].startswith(
                "Couldn't confirm the payment: our payments service didn't answer"
            )
            assert stub["stars_payments"].call_count == 0


async def test_a_pre_checkout_payments_refuses_is_declined_with_the_reason(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout(), 201)
        )
        stub["pre_checkout"].mock(return_value=answer(PreCheckoutVerdict(ok=False, reason="price_changed")))
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            invoice = await _invoice(platform, platform.masha, "Звёзды · 10 кредитов на ИИ-видео · 150 ⭐")
            outcome = await _pay(platform, platform.masha, invoice)
            assert outcome["status"] == "declined"
            assert outcome["error_message"].startswith("Цена изменилась с момента выставления счёта")


async def test_a_payment_payments_cannot_match_is_said_and_not_left_silent(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout(), 201)
        )
        stub["stars_payments"].mock(return_value=answer(PaymentOutcome(purchase_id=None, granted=False)))
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            invoice = await _invoice(platform, platform.alice, "Stars · 10 AI video credits · 150 ⭐")
            assert (await _pay(platform, platform.alice, invoice))["status"] == "paid"
            said = await platform.settle(platform.alice)
            assert any("can't match it to a purchase" in str(m.get("text")) for m in said)


async def test_a_payment_is_reported_until_payments_has_it_and_the_user_hears_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    granted = answer(PaymentOutcome(purchase_id=uuid.uuid4(), granted=True, status="succeeded"))
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout(), 201)
        )
        # Payments away for the handler's first round of tries; the update's next attempt gets through.
        stub["stars_payments"].mock(side_effect=[httpx.Response(503)] * 4 + [granted])
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            invoice = await _invoice(platform, platform.alice, "Stars · 10 AI video credits · 150 ⭐")
            assert (await _pay(platform, platform.alice, invoice))["status"] == "paid"
            await until(lambda: _reported(stub["stars_payments"], 5))
            said = await platform.settle(platform.alice)
            confirming = [m for m in said if str(m.get("text")).startswith("Payment received! I'm confirming it")]
            assert len(confirming) == 1, "told once, though the update was handled twice"
            charges = {body(call)["telegram_payment_charge_id"] for call in stub["stars_payments"].calls}
            assert len(charges) == 1  # the same payment each time: payments journals it once


async def test_a_stars_refund_is_made_once_per_request_and_reported(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    with payments_stub() as stub:
        stub.post(url__regex=rf"{PAYMENTS_URL}/internal/v1/users/\d+/checkouts").mock(
            return_value=answer(stars_checkout(), 201)
        )
        async with live_platform(database_url, redis_url, payments_url=PAYMENTS_URL) as platform:
            alice = platform.alice
            invoice = await _invoice(platform, alice, "Stars · 10 AI video credits · 150 ⭐")
            charge = (await _pay(platform, alice, invoice))["message"]["successful_payment"][
                "telegram_payment_charge_id"
            ]
            bus = StreamBus(redis)
            request = StarsRefund(request_id=uuid.uuid4(), user_id=alice, telegram_payment_charge_id=charge)
            # The same request twice (payments republished it): Telegram is asked once.
            await bus.publish(Streams.TELEGRAM_OUTBOUND, request)
            await bus.publish(Streams.TELEGRAM_OUTBOUND, request)
            await until(lambda: _reported(stub["stars_refunds"], 2))
            assert [body(call) for call in stub["stars_refunds"].calls] == [
                {"user_id": alice, "telegram_payment_charge_id": charge, "already_refunded": False}
            ] * 2
            refunds = [m for m in await platform.messages(alice) if m.get("refunded_payment")]
            assert len(refunds) == 1

            # Another request for the same charge: Telegram says it is refunded already, and payments hears so.
            again = StarsRefund(request_id=uuid.uuid4(), user_id=alice, telegram_payment_charge_id=charge)
            await bus.publish(Streams.TELEGRAM_OUTBOUND, again)
            await until(lambda: _reported(stub["stars_refunds"], 3))
            assert body(stub["stars_refunds"].calls.last)["already_refunded"] is True

            # A charge Telegram does not know: dead-lettered with the reason at once, nothing reported.
            unknown = StarsRefund(request_id=uuid.uuid4(), user_id=alice, telegram_payment_charge_id="stxsbx-none")
            await bus.publish(Streams.TELEGRAM_OUTBOUND, unknown)
            await until(lambda: stream_settled(redis, Streams.TELEGRAM_OUTBOUND, "gateway.outbound"))
            [(_, dead)] = await redis.xrange(f"{Streams.TELEGRAM_OUTBOUND}.dead")
            assert b"CHARGE_NOT_FOUND" in b" ".join(v for v in dead.values() if isinstance(v, bytes))
            assert stub["stars_refunds"].call_count == 3


async def _reported(route: Any, times: int) -> bool:
    return bool(route.call_count >= times)
