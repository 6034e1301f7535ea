"""Long polling: update ids rise, an offset confirms, a poll waits for the next update, a webhook excludes it."""

from __future__ import annotations

import asyncio

from tests.sandbox.bot_api import BotApi, People


async def test_updates_stay_until_an_offset_confirms_them(bot: BotApi, people: People) -> None:
    user = (await people.ids())[0]
    for text in ("one", "two", "three"):
        await people.say(user, text)

    first = await bot.ok("getUpdates")
    again = await bot.ok("getUpdates")
    ids = [update["update_id"] for update in first]

    assert [update["message"]["text"] for update in first] == ["one", "two", "three"]
    assert again == first
    assert ids == sorted(set(ids))
    assert [u["message"]["text"] for u in await bot.ok("getUpdates", offset=ids[1])] == ["two", "three"]
    assert await bot.ok("getUpdates", offset=ids[2] + 1) == []
    await people.say(user, "four")
    assert [u["update_id"] for u in await bot.ok("getUpdates")] == [ids[2] + 1]


async def test_limit_and_negative_offset(bot: BotApi, people: People) -> None:
    user = (await people.ids())[0]
    for text in ("a", "b", "c", "d"):
        await people.say(user, text)

    assert [u["message"]["text"] for u in await bot.ok("getUpdates", limit=2)] == ["a", "b"]
    assert [u["message"]["text"] for u in await bot.ok("getUpdates", offset=-1)] == ["d"]
    assert [u["message"]["text"] for u in await bot.ok("getUpdates")] == ["d"]


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(bot: BotApi, people: People) -> None:
    user = (await people.ids())[0]
    poll = asyncio.create_task(bot.ok("getUpdates", timeout=60))
    await asyncio.sleep(0.05)
    assert not poll.done()

    await people.say(user, "wake up")

    async with asyncio.timeout(10):  # far below the poll's own 60 s
        updates = await poll
    assert [update["message"]["text"] for update in updates] == ["wake up"]


async def test_a_long_poll_without_updates_ends_empty_at_its_timeout(bot: BotApi) -> None:
    assert await bot.ok("getUpdates", timeout=1) == []


async def test_a_newer_poll_ends_the_older_with_409(bot: BotApi) -> None:
    older = asyncio.create_task(bot.call("getUpdates", timeout=30))
    await asyncio.sleep(0.05)

    newer = asyncio.create_task(bot.call("getUpdates", timeout=0))
    responses = await asyncio.gather(older, newer)

    assert responses[0].status_code == 409
    assert responses[0].json()["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )
    assert responses[1].json() == {"ok": True, "result": []}


async def test_allowed_updates_filters_what_is_queued(bot: BotApi, people: People) -> None:
    user = (await people.ids())[0]
    await bot.ok("getUpdates", allowed_updates=["callback_query"])

    await people.say(user, "ignored")

    assert await bot.ok("getUpdates") == []
    await bot.ok("getUpdates", allowed_updates=[])  # back to Telegram's default
    await people.say(user, "seen")
    assert [u["message"]["text"] for u in await bot.ok("getUpdates")] == ["seen"]


async def test_get_updates_conflicts_with_a_webhook(bot: BotApi) -> None:
    await bot.ok("setWebhook", url="http://127.0.0.1:9/hook")

    response = await bot.call("getUpdates")

    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error_code": 409,
        "description": "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    }
    await bot.ok("deleteWebhook")
    assert await bot.ok("getUpdates") == []
