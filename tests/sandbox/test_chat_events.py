"""The web chat's live stream: server-sent events of one chat, over real HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from storycam.sandbox import create_emulator
from tests.sandbox.bot_api import TOKEN, BotApi, People
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.servers import serving


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_emulator(TOKEN, config=TEST_CONFIG)) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


async def _events(response: httpx.Response, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async for line in response.aiter_lines():
        if line.startswith("data: "):
            events.append(json.loads(line.removeprefix("data: ")))
            if len(events) == count:
                break
    return events


async def test_the_stream_shows_messages_edits_deletions_toasts_and_typing(http: httpx.AsyncClient) -> None:
    bot, people = BotApi(http), People(http)
    user = (await people.ids())[0]
    await people.say(user, "/start")

    async with http.stream("GET", f"/sandbox/users/{user}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        reading = asyncio.create_task(_events(response, 5))
        sent = await bot.ok("sendMessage", chat_id=user, text="Working…")
        await bot.ok("sendChatAction", chat_id=user, action="typing")
        await bot.ok("editMessageText", chat_id=user, message_id=sent["message_id"], text="Done")
        await bot.ok("deleteMessage", chat_id=user, message_id=sent["message_id"])
        await people.say(user, "thanks")
        async with asyncio.timeout(10):
            events = await reading

    assert [event["type"] for event in events] == ["message", "action", "message", "deleted", "message"]
    assert events[0]["message"]["text"] == "Working…"
    assert events[2]["message"]["text"] == "Done"
    assert "edit_date" in events[2]["message"]
    assert events[3] == {"type": "deleted", "message_id": sent["message_id"]}
    assert events[4]["message"]["from"]["id"] == user


async def test_the_page_and_its_assets_are_served(http: httpx.AsyncClient) -> None:
    page = await http.get("/")
    script = await http.get("/static/chat.js")
    styles = await http.get("/static/chat.css")

    assert page.status_code == script.status_code == styles.status_code == 200
    assert 'aria-label="Message"' in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
