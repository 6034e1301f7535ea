"""A newcomer's first minutes: the greeting and menu in their language, help, the commands menu, every command
answered, and a kind word for what the bot does not understand."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from storycam.gateway.bot.texts import COMMANDS
from tests.gateway.live import buttons, live_platform

pytestmark = pytest.mark.slow


async def test_start_greets_in_the_users_language_with_the_menu(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        [english] = await platform.answer(platform.alice, "/start")
        [russian] = await platform.answer(platform.masha, "/start")
    assert english["text"].startswith("Hi, Alice! I'm Storycam.")
    assert list(buttons(english)) == ["📖 Stories", "💋 Kiss Cam", "⭐ Premium", "❓ Help"]
    assert russian["text"].startswith("Привет, Маша! Я Storycam.")
    assert list(buttons(russian)) == ["📖 Истории", "💋 Kiss Cam", "⭐ Премиум", "❓ Помощь"]


async def test_menu_button_and_commands_menu(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        [menu] = await platform.answer(platform.alice, "/start", sentinel="/privacy")
        query = await platform.tap(platform.alice, menu["message_id"], buttons(menu)["❓ Help"])
        help_message = (await platform.wait_for_bot(platform.alice, 3))[-1]
        assert "/delete_me" in help_message["text"]
        answer = (await platform.control.get(f"/sandbox/callbacks/{query}")).json()
        assert answer["answered"] is True
        commands = (await platform.control.get(f"/sandbox/users/{platform.masha}/commands")).json()["commands"]
        assert {"command": "stories", "description": "Интерактивные истории"} in commands


async def test_unknown_text_and_support(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        [unknown] = await platform.answer(platform.alice, "what is this?")
        assert "don't understand free text" in unknown["text"]
        assert buttons(unknown)

        [support] = await platform.answer(platform.alice, "/support")
        assert "10:00–20:00 Moscow time" in support["text"]


async def test_every_command_in_the_menu_has_an_answer(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        for n, (command, _) in enumerate(COMMANDS["en"], start=1):
            await platform.say(platform.alice, f"/{command}")
            reply = (await platform.wait_for_bot(platform.alice, n))[-1]
            assert "don't understand" not in reply["text"], f"/{command} has no handler"
