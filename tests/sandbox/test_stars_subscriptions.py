"""Invoice links and Stars subscriptions: createInvoiceLink with Telegram's limits, a link paid by a person, the
first and the recurring successful_payment, renewal unless canceled (editUserStarSubscription), refunds."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiogram.types import Update

from tests.sandbox.bot_api import BotApi

PERIOD = 2_592_000
SUBSCRIPTION = {
    "title": "Storycam Premium",
    "description": "Premium stories and AI clips, every month",
    "payload": "premium:sub:42",
    "currency": "XTR",
    "prices": [{"label": "Premium", "amount": 250}],
    "subscription_period": PERIOD,
}


async def _drain(bot: BotApi) -> None:
    updates = await bot.ok("getUpdates")
    if updates:
        await bot.ok("getUpdates", offset=updates[-1]["update_id"] + 1)


async def _next_update(bot: BotApi) -> dict[str, Any]:
    async with asyncio.timeout(10):
        (update,) = await bot.ok("getUpdates", timeout=10)
    await bot.ok("getUpdates", offset=update["update_id"] + 1)
    assert not Update.model_validate(update).model_extra  # aiogram reads every field
    return dict(update)


async def _pay_link(bot: BotApi, client: httpx.AsyncClient, user_id: int, url: str) -> dict[str, Any]:
    """The person pays; the test, as the bot, confirms the pre-checkout query; answers the bot's update."""
    await _drain(bot)
    paying = asyncio.create_task(client.post(f"/sandbox/users/{user_id}/invoice-links", json={"url": url}))
    query = (await _next_update(bot))["pre_checkout_query"]
    await bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)
    outcome = (await paying).json()
    assert outcome["status"] == "paid", outcome
    message: dict[str, Any] = (await _next_update(bot))["message"]
    return message


@pytest.fixture
async def link(bot: BotApi) -> str:
    url: str = await bot.ok("createInvoiceLink", **SUBSCRIPTION)
    return url


async def test_a_subscription_link_is_a_t_me_dollar_link(link: str, client: httpx.AsyncClient) -> None:
    assert link.startswith("https://t.me/$")
    slug = link.removeprefix("https://t.me/$")
    described = (await client.get(f"/sandbox/invoice-links/{slug}")).json()
    assert described["subscription_period"] == PERIOD
    assert described["invoice"]["total_amount"] == 250
    assert (await client.get("/sandbox/invoice-links/nope")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "description"),
    [
        ({"subscription_period": 86_400}, "Bad Request: SUBSCRIPTION_PERIOD_INVALID"),
        ({"currency": "RUB", "provider_token": "t"}, "Bad Request: SUBSCRIPTION_PERIOD_INVALID"),
        ({"prices": [{"label": "Too much", "amount": 10_001}]}, "Bad Request: STARS_INVOICE_INVALID"),
        ({"prices": [{"label": "a", "amount": 1}, {"label": "b", "amount": 1}]}, "Bad Request: STARS_INVOICE_INVALID"),
        ({"subscription_period": "monthly"}, 'Bad Request: field "subscription_period" must be of type Integer'),
    ],
)
async def test_telegrams_limits_on_subscription_links(bot: BotApi, changes: dict[str, Any], description: str) -> None:
    response = await bot.call("createInvoiceLink", **(SUBSCRIPTION | changes))

    assert response.status_code == 400
    assert response.json()["description"] == description


async def test_the_first_payment_is_recurring_and_first(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    before = int(time.time())
    message = await _pay_link(bot, client, user_id, link)
    after = int(time.time())

    payment = message["successful_payment"]
    assert payment["is_recurring"] is True
    assert payment["is_first_recurring"] is True
    assert before + PERIOD <= payment["subscription_expiration_date"] <= after + PERIOD
    assert (payment["currency"], payment["total_amount"], payment["invoice_payload"]) == ("XTR", 250, "premium:sub:42")
    assert message["from"]["id"] == user_id
    again = await client.post(f"/sandbox/users/{user_id}/invoice-links", json={"url": link})
    assert again.status_code == 409  # already subscribed


async def test_a_renewal_extends_from_the_old_end_without_a_pre_checkout(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    first = (await _pay_link(bot, client, user_id, link))["successful_payment"]

    renewed = await client.post(f"/sandbox/users/{user_id}/subscriptions/{first['telegram_payment_charge_id']}/renew")

    assert renewed.status_code == 200
    update = await _next_update(bot)  # the receipt itself: no pre_checkout_query came first
    payment = update["message"]["successful_payment"]
    assert payment["is_recurring"] is True
    assert "is_first_recurring" not in payment
    assert payment["subscription_expiration_date"] == first["subscription_expiration_date"] + PERIOD
    assert payment["telegram_payment_charge_id"] != first["telegram_payment_charge_id"]
    (subscription,) = (await client.get(f"/sandbox/users/{user_id}/subscriptions")).json()["subscriptions"]
    assert subscription["telegram_payment_charge_ids"] == [
        first["telegram_payment_charge_id"],
        payment["telegram_payment_charge_id"],
    ]


async def test_a_subscription_the_bot_canceled_does_not_renew_until_re_enabled(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    charge = (await _pay_link(bot, client, user_id, link))["successful_payment"]["telegram_payment_charge_id"]
    renew = f"/sandbox/users/{user_id}/subscriptions/{charge}/renew"

    assert await bot.ok(
        "editUserStarSubscription", user_id=user_id, telegram_payment_charge_id=charge, is_canceled=True
    )
    refused = await client.post(renew)
    assert await bot.ok(
        "editUserStarSubscription", user_id=user_id, telegram_payment_charge_id=charge, is_canceled=False
    )
    renewed = await client.post(renew)

    assert refused.status_code == 409
    assert "canceled by the bot" in refused.json()["detail"]
    assert renewed.status_code == 200
    assert renewed.json()["message"]["successful_payment"]["is_recurring"] is True


async def test_a_subscription_the_person_canceled_is_not_re_enabled_by_the_bot(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    charge = (await _pay_link(bot, client, user_id, link))["successful_payment"]["telegram_payment_charge_id"]

    canceled = await client.post(f"/sandbox/users/{user_id}/subscriptions/{charge}/cancel")
    await bot.ok("editUserStarSubscription", user_id=user_id, telegram_payment_charge_id=charge, is_canceled=False)
    refused = await client.post(f"/sandbox/users/{user_id}/subscriptions/{charge}/renew")

    assert canceled.json()["canceled_by"] == "user"
    assert refused.status_code == 409
    assert await bot.ok("getUpdates") == []  # the bot heard of none of it


async def test_edit_user_star_subscription_refuses_what_it_cannot_find(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    charge = (await _pay_link(bot, client, user_id, link))["successful_payment"]["telegram_payment_charge_id"]
    someone_else = (await client.get("/sandbox/users")).json()["users"][1]["id"]

    cases = {
        "CHARGE_NOT_FOUND": {"user_id": user_id, "telegram_payment_charge_id": "nope", "is_canceled": True},
        "invalid user_id specified": {"user_id": 1, "telegram_payment_charge_id": charge, "is_canceled": True},
        'parameter "is_canceled" is required': {"user_id": user_id, "telegram_payment_charge_id": charge},
        'parameter "telegram_payment_charge_id" is required': {"user_id": user_id, "is_canceled": True},
    }
    for reason, params in cases.items():
        response = await bot.call("editUserStarSubscription", **params)
        assert (response.status_code, response.json()["description"]) == (400, f"Bad Request: {reason}")
    other = await bot.call(
        "editUserStarSubscription", user_id=someone_else, telegram_payment_charge_id=charge, is_canceled=True
    )
    assert other.json()["description"] == "Bad Request: CHARGE_NOT_FOUND"


async def test_a_one_off_charge_is_not_a_subscription(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    one_off = {key: value for key, value in SUBSCRIPTION.items() if key != "subscription_period"}
    url = await bot.ok("createInvoiceLink", **one_off)

    payment = (await _pay_link(bot, client, user_id, url))["successful_payment"]

    assert not {"is_recurring", "is_first_recurring", "subscription_expiration_date"} & payment.keys()
    edit = await bot.call(
        "editUserStarSubscription",
        user_id=user_id,
        telegram_payment_charge_id=payment["telegram_payment_charge_id"],
        is_canceled=True,
    )
    assert edit.json()["description"] == "Bad Request: CHARGE_NOT_FOUND"
    renew = await client.post(f"/sandbox/users/{user_id}/subscriptions/{payment['telegram_payment_charge_id']}/renew")
    assert renew.status_code == 404


async def test_subscription_charges_refund_once_each(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    first = (await _pay_link(bot, client, user_id, link))["successful_payment"]["telegram_payment_charge_id"]
    renewal = (await client.post(f"/sandbox/users/{user_id}/subscriptions/{first}/renew")).json()
    second = renewal["message"]["successful_payment"]["telegram_payment_charge_id"]

    assert await bot.ok("refundStarPayment", user_id=user_id, telegram_payment_charge_id=second) is True
    assert await bot.ok("refundStarPayment", user_id=user_id, telegram_payment_charge_id=first) is True
    twice = await bot.call("refundStarPayment", user_id=user_id, telegram_payment_charge_id=second)

    assert twice.json()["description"] == "Bad Request: CHARGE_ALREADY_REFUNDED"
    refunded = [m for m in (await _chat(client, user_id)) if "refunded_payment" in m]
    assert [m["refunded_payment"]["telegram_payment_charge_id"] for m in refunded] == [second, first]


async def test_a_declined_link_payment_charges_nothing(
    bot: BotApi, client: httpx.AsyncClient, user_id: int, link: str
) -> None:
    await _drain(bot)
    paying = asyncio.create_task(client.post(f"/sandbox/users/{user_id}/invoice-links", json={"url": link}))
    query = (await _next_update(bot))["pre_checkout_query"]
    await bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=False, error_message="Not today")

    assert (await paying).json() == {"status": "declined", "error_message": "Not today"}
    assert (await client.get(f"/sandbox/users/{user_id}/subscriptions")).json()["subscriptions"] == []
    unknown = await client.post(f"/sandbox/users/{user_id}/invoice-links", json={"url": "https://t.me/$nothing"})
    assert unknown.status_code == 404


async def _chat(client: httpx.AsyncClient, user_id: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = (await client.get(f"/sandbox/users/{user_id}/chat")).json()["messages"]
    return messages
