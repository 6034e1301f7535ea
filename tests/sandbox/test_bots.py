"""Without a fixed token, any token of Telegram's shape is a bot of its own; the first is the web chat's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from storycam.sandbox import create_emulator
from tests.sandbox.bot_api import BotApi, People
from tests.sandbox.conftest import TEST_CONFIG

FIRST = "111:first-bot-token-abcdefghijkl"
SECOND = "222:second-bot-token-abcdefghijk"


@pytest.fixture
async def open_client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_emulator(config=TEST_CONFIG)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as c:
        yield c


async def test_the_page_waits_until_a_bot_calls(open_client: httpx.AsyncClient) -> None:
    user = (await People(open_client).ids())[0]

    before = (await open_client.get("/sandbox/bot")).json()
    refused = await open_client.post(f"/sandbox/users/{user}/messages", json={"text": "/start"})

    assert before == {"bot": None}
    assert refused.status_code == 409
    assert refused.json()["error"] == "no_bot"


async def test_each_token_is_a_bot_with_its_own_state(open_client: httpx.AsyncClient) -> None:
    first, second, people = BotApi(open_client, FIRST), BotApi(open_client, SECOND), People(open_client)
    assert (await first.ok("getMe"))["id"] == 111
    assert (await second.ok("getMe"))["username"] == "bot222_bot"
    user = (await people.ids())[0]

    await people.say(user, "/start")

    assert (await open_client.get("/sandbox/bot")).json()["bot"]["id"] == 111
    assert [u["message"]["text"] for u in await first.ok("getUpdates")] == ["/start"]
    assert await second.ok("getUpdates") == []
    assert (await second.call("sendMessage", chat_id=user, text="hi")).status_code == 403  # not started with it


async def test_a_token_of_the_wrong_shape_is_unauthorized(open_client: httpx.AsyncClient) -> None:
    response = await open_client.get("/botnot-a-token/getMe")

    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
