"""Telegram's flood limits answer 429 with retry_after, and obeying it gets the call through."""

from __future__ import annotations

import httpx
import pytest

from storycam.sandbox import SandboxConfig
from storycam.sandbox.telegram.errors import TooManyRequests
from storycam.sandbox.telegram.flood import FloodControl, FloodLimits
from tests.sandbox.bot_api import BotApi
from tests.sandbox.conftest import FakeClock


async def test_a_burst_to_one_chat_draws_429_and_waiting_retry_after_succeeds(
    bot: BotApi, user_id: int, clock: FakeClock
) -> None:
    for number in range(3):  # the burst a private chat allows
        await bot.ok("sendMessage", chat_id=user_id, text=f"burst {number}")

    response = await bot.call("sendMessage", chat_id=user_id, text="one too many")

    assert response.status_code == 429
    body = response.json()
    retry_after = body["parameters"]["retry_after"]
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }
    assert retry_after >= 1
    clock.advance(retry_after)
    assert (await bot.ok("sendMessage", chat_id=user_id, text="after waiting"))["text"] == "after waiting"


async def test_a_refused_message_is_not_posted(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    for number in range(4):
        await bot.call("sendMessage", chat_id=user_id, text=f"message {number}")

    chat = (await client.get(f"/sandbox/users/{user_id}/chat")).json()

    assert [m["text"] for m in chat["messages"]] == ["/start", "message 0", "message 1", "message 2"]


async def test_forced_429_refuses_exactly_the_next_calls_asked_for(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    forced = await client.post("/sandbox/flood", json={"count": 2, "retry_after": 7, "method": "sendMessage"})
    assert forced.status_code == 204

    assert (await bot.ok("getMe"))["is_bot"] is True  # another method is not affected
    for _ in range(2):
        response = await bot.call("sendMessage", chat_id=user_id, text="hi")
        assert response.status_code == 429
        assert response.json()["parameters"] == {"retry_after": 7}
    assert (await bot.ok("sendMessage", chat_id=user_id, text="hi"))["text"] == "hi"


async def test_forcing_without_a_method_refuses_any_call(bot: BotApi, client: httpx.AsyncClient) -> None:
    await client.post("/sandbox/flood", json={"count": 1, "retry_after": 3})

    assert (await bot.call("getMe")).json()["description"] == "Too Many Requests: retry after 3"
    assert (await bot.call("getMe")).status_code == 200


def test_about_thirty_messages_a_second_overall() -> None:
    clock = FakeClock()
    flood = FloodControl(FloodLimits(), clock)
    for chat_id in range(1, 31):
        flood.spend(chat_id)

    with pytest.raises(TooManyRequests) as refused:
        flood.spend(31)

    assert refused.value.retry_after == 1
    clock.advance(1)
    flood.spend(31)


def test_twenty_messages_a_minute_in_a_group() -> None:
    clock = FakeClock()
    flood = FloodControl(FloodLimits(), clock)
    for _ in range(20):
        flood.spend(-100123)

    with pytest.raises(TooManyRequests) as refused:
        flood.spend(-100123)

    assert refused.value.retry_after == 3  # a minute's 20 slots free up one every 3 s
    clock.advance(refused.value.retry_after)
    flood.spend(-100123)


def test_a_private_chat_refills_one_message_a_second() -> None:
    clock = FakeClock()
    flood = FloodControl(FloodLimits(private_chat_burst=1), clock)
    flood.spend(5)

    with pytest.raises(TooManyRequests):
        flood.spend(5)
    clock.advance(0.5)
    with pytest.raises(TooManyRequests) as refused:
        flood.spend(5)

    assert refused.value.retry_after == 1
    clock.advance(0.5)
    flood.spend(5)


@pytest.mark.parametrize("config", [SandboxConfig(flood=FloodLimits(enabled=False))])
async def test_limits_can_be_switched_off(bot: BotApi, user_id: int) -> None:
    for number in range(10):
        await bot.ok("sendMessage", chat_id=user_id, text=f"message {number}")
