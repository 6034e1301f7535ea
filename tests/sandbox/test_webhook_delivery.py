"""Webhook delivery to a real HTTP receiver: the secret header, update_id order, retries, and never after delete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.sandbox.bot_api import BotApi, People
from tests.sandbox.receivers import WebhookReceiver
from tests.sandbox.servers import serving

SECRET = "s3cret_token-from-the-gateway"


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver()


@pytest.fixture
async def hook_url(receiver: WebhookReceiver) -> AsyncIterator[str]:
    async with serving(receiver.app) as base:
        yield f"{base}/hook"


async def test_updates_arrive_in_order_with_the_secret_header(
    bot: BotApi, people: People, receiver: WebhookReceiver, hook_url: str
) -> None:
    user = (await people.ids())[0]
    set_answer = await bot.call("setWebhook", url=hook_url, secret_token=SECRET)
    assert set_answer.json() == {"ok": True, "result": True, "description": "Webhook was set"}

    for number in range(5):
        await people.say(user, f"message {number}")

    updates = await receiver.wait_for(5)
    assert [update["message"]["text"] for update in updates] == [f"message {n}" for n in range(5)]
    assert [u["update_id"] for u in updates] == sorted(u["update_id"] for u in updates)
    assert receiver.secrets == [SECRET] * 5
    info = await bot.ok("getWebhookInfo")
    assert info == {"url": hook_url, "has_custom_certificate": False, "pending_update_count": 0, "max_connections": 40}


async def test_a_failed_delivery_is_retried_and_order_kept(
    bot: BotApi, people: People, receiver: WebhookReceiver, hook_url: str
) -> None:
    user = (await people.ids())[0]
    receiver.failures_left = 1
    await bot.ok("setWebhook", url=hook_url, secret_token=SECRET)

    await people.say(user, "first")
    await people.say(user, "second")

    updates = await receiver.wait_for(2)
    assert [u["message"]["text"] for u in updates] == ["first", "second"]
    assert [u["message"]["text"] for u in receiver.failed] == ["first"]
    info = await bot.ok("getWebhookInfo")
    assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    assert isinstance(info["last_error_date"], int)


async def test_an_unreachable_webhook_keeps_updates_pending(
    bot: BotApi, people: People, receiver: WebhookReceiver, hook_url: str
) -> None:
    user = (await people.ids())[0]
    await bot.ok("setWebhook", url="http://127.0.0.1:9/hook")  # the discard port: nothing listens
    await people.say(user, "are you there?")

    async with asyncio.timeout(10):
        while "last_error_message" not in (info := await bot.ok("getWebhookInfo")):
            await asyncio.sleep(0.02)
    assert info["pending_update_count"] == 1
    assert info["last_error_message"].startswith("Connection failed")

    await bot.ok("setWebhook", url=hook_url)
    assert [u["message"]["text"] for u in await receiver.wait_for(1)] == ["are you there?"]


async def test_nothing_goes_to_a_deleted_webhook(
    bot: BotApi, people: People, receiver: WebhookReceiver, hook_url: str
) -> None:
    user = (await people.ids())[0]
    await bot.ok("setWebhook", url=hook_url)
    await people.say(user, "while set")
    await receiver.wait_for(1)

    deleted = await bot.call("deleteWebhook")
    await people.say(user, "after delete")

    assert deleted.json() == {"ok": True, "result": True, "description": "Webhook was deleted"}
    assert [u["message"]["text"] for u in await bot.ok("getUpdates")] == ["after delete"]
    assert len(receiver.updates) == 1


async def test_drop_pending_updates(bot: BotApi, people: People, receiver: WebhookReceiver, hook_url: str) -> None:
    user = (await people.ids())[0]
    await people.say(user, "stale")

    await bot.ok("setWebhook", url=hook_url, drop_pending_updates=True)
    await people.say(user, "fresh")

    assert [u["message"]["text"] for u in await receiver.wait_for(1)] == ["fresh"]
    assert (await bot.ok("getWebhookInfo"))["pending_update_count"] == 0


async def test_a_webhook_may_answer_with_a_method_call(bot: BotApi, people: People) -> None:
    user = (await people.ids())[0]
    receiver = WebhookReceiver()
    receiver.reply = {"method": "sendMessage", "chat_id": user, "text": "Answered in the webhook response"}
    async with serving(receiver.app) as base:
        await bot.ok("setWebhook", url=f"{base}/hook")
        await people.say(user, "/start")
        await receiver.wait_for(1)
        async with asyncio.timeout(10):
            while len((await people.transcript(user))["messages"]) < 2:
                await asyncio.sleep(0.02)

    assert (await people.transcript(user))["messages"][-1]["text"] == "Answered in the webhook response"


async def test_a_bad_secret_token_is_refused(bot: BotApi) -> None:
    response = await bot.call("setWebhook", url="https://example.org/hook", secret_token="has spaces")

    assert response.json()["description"] == "Bad Request: secret token contains unallowed characters"
