"""Telegram Stars: invoice → pre_checkout_query → answerPreCheckoutQuery → successful_payment, and refunds."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from aiogram.types import Update

from storycam.sandbox import SandboxConfig
from tests.sandbox.bot_api import BotApi

INVOICE = {
    "title": "Kiss Cam credits",
    "description": "5 AI clips",
    "payload": "credits:5:order-42",
    "provider_token": "",
    "currency": "XTR",
    "prices": [{"label": "5 clips", "amount": 250}],
}


async def _invoice(bot: BotApi, user_id: int) -> dict[str, Any]:
    await bot.ok("getUpdates", offset=-1)
    sent: dict[str, Any] = await bot.ok("sendInvoice", chat_id=user_id, **INVOICE)
    (last,) = await bot.ok("getUpdates", offset=-1)
    await bot.ok("getUpdates", offset=last["update_id"] + 1)  # start from an empty queue
    return sent


async def _pre_checkout(bot: BotApi) -> dict[str, Any]:
    async with asyncio.timeout(10):
        (update,) = await bot.ok("getUpdates", timeout=10)
    assert not Update.model_validate(update).model_extra
    query: dict[str, Any] = update["pre_checkout_query"]
    await bot.ok("getUpdates", offset=update["update_id"] + 1)
    return query


async def test_a_stars_payment_reaches_the_bot_as_successful_payment(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    invoice = await _invoice(bot, user_id)
    assert invoice["invoice"] == {
        "title": "Kiss Cam credits",
        "description": "5 AI clips",
        "start_parameter": "",
        "currency": "XTR",
        "total_amount": 250,
    }

    paying = asyncio.create_task(
        client.post(f"/sandbox/users/{user_id}/payments", json={"message_id": invoice["message_id"]})
    )
    query = await _pre_checkout(bot)
    assert {key: query[key] for key in ("currency", "total_amount", "invoice_payload")} == {
        "currency": "XTR",
        "total_amount": 250,
        "invoice_payload": "credits:5:order-42",
    }
    assert query["from"]["id"] == user_id
    assert await bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True) is True

    outcome = (await paying).json()
    assert outcome["status"] == "paid"
    (update,) = await bot.ok("getUpdates")
    payment = update["message"]["successful_payment"]
    assert payment == {
        "currency": "XTR",
        "total_amount": 250,
        "invoice_payload": "credits:5:order-42",
        "telegram_payment_charge_id": payment["telegram_payment_charge_id"],
        "provider_payment_charge_id": "",
    }
    assert payment["telegram_payment_charge_id"]
    assert update["message"]["from"]["id"] == user_id
    repeat = await client.post(f"/sandbox/users/{user_id}/payments", json={"message_id": invoice["message_id"]})
    assert repeat.status_code == 409


async def test_a_declined_pre_checkout_shows_the_bots_error(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    invoice = await _invoice(bot, user_id)
    paying = asyncio.create_task(
        client.post(f"/sandbox/users/{user_id}/payments", json={"message_id": invoice["message_id"]})
    )
    query = await _pre_checkout(bot)

    await bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=False, error_message="Sold out")

    assert (await paying).json() == {"status": "declined", "error_message": "Sold out"}
    assert await bot.ok("getUpdates") == []


@pytest.mark.parametrize("config", [SandboxConfig(pre_checkout_timeout=0.3)])
async def test_an_unanswered_pre_checkout_times_out(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    invoice = await _invoice(bot, user_id)
    outcome = await client.post(f"/sandbox/users/{user_id}/payments", json={"message_id": invoice["message_id"]})
    query = await _pre_checkout(bot)

    late = await bot.call("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)

    assert outcome.json()["status"] == "timeout"
    assert late.json()["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


async def test_a_charge_refunds_once(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    invoice = await _invoice(bot, user_id)
    paying = asyncio.create_task(
        client.post(f"/sandbox/users/{user_id}/payments", json={"message_id": invoice["message_id"]})
    )
    await bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=(await _pre_checkout(bot))["id"], ok=True)
    charge = (await paying).json()["message"]["successful_payment"]["telegram_payment_charge_id"]

    assert await bot.ok("refundStarPayment", user_id=user_id, telegram_payment_charge_id=charge) is True
    again = await bot.call("refundStarPayment", user_id=user_id, telegram_payment_charge_id=charge)
    unknown = await bot.call("refundStarPayment", user_id=user_id, telegram_payment_charge_id="stx-nope")

    assert again.json()["description"] == "Bad Request: CHARGE_ALREADY_REFUNDED"
    assert unknown.json()["description"] == "Bad Request: CHARGE_NOT_FOUND"
    chat = (await client.get(f"/sandbox/users/{user_id}/chat")).json()
    assert chat["messages"][-1]["refunded_payment"]["total_amount"] == 250


async def test_stars_take_exactly_one_price(bot: BotApi, user_id: int) -> None:
    two_prices = INVOICE | {"prices": [{"label": "a", "amount": 1}, {"label": "b", "amount": 2}]}

    response = await bot.call("sendInvoice", chat_id=user_id, **two_prices)

    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: STARS_INVOICE_INVALID"}
