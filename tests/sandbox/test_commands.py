"""setMyCommands per scope and language; the menu a person sees follows Telegram's order of preference."""

from __future__ import annotations

import httpx

from tests.sandbox.bot_api import BotApi, People

EN = [{"command": "start", "description": "Start"}, {"command": "kisscam", "description": "Kiss Cam"}]
RU = [{"command": "start", "description": "Начать"}, {"command": "kisscam", "description": "Кисс-кам"}]


async def _menu(client: httpx.AsyncClient, user_id: int) -> list[dict[str, str]]:
    commands: list[dict[str, str]] = (await client.get(f"/sandbox/users/{user_id}/commands")).json()["commands"]
    return commands


async def test_commands_per_language(bot: BotApi, client: httpx.AsyncClient, people: People) -> None:
    alice, masha = await people.ids()  # English and Russian
    await bot.ok("setMyCommands", commands=EN)
    await bot.ok("setMyCommands", commands=RU, language_code="ru")

    assert await bot.ok("getMyCommands") == EN
    assert await bot.ok("getMyCommands", language_code="ru") == RU
    assert await _menu(client, alice) == EN
    assert await _menu(client, masha) == RU


async def test_a_narrower_scope_wins(bot: BotApi, client: httpx.AsyncClient, people: People) -> None:
    alice, masha = await people.ids()
    private = [{"command": "help", "description": "Help"}]
    await bot.ok("setMyCommands", commands=EN)
    await bot.ok("setMyCommands", commands=private, scope={"type": "all_private_chats"})
    await bot.ok("setMyCommands", commands=RU, scope={"type": "chat", "chat_id": masha})

    assert await bot.ok("getMyCommands", scope={"type": "all_private_chats"}) == private
    assert await _menu(client, alice) == private
    assert await _menu(client, masha) == RU

    await bot.ok("deleteMyCommands", scope={"type": "all_private_chats"})
    assert await _menu(client, alice) == EN


async def test_an_invalid_command_is_refused(bot: BotApi) -> None:
    response = await bot.call("setMyCommands", commands=[{"command": "Start Now", "description": "x"}])

    assert response.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"
