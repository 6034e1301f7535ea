"""Cosmetic Bot API calls (a used keyboard taken away) go only when the limits have room, and never wait."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.methods import EditMessageReplyMarkup, SendMessage, TelegramMethod
from redis.asyncio import Redis

from storycam.gateway.outbound.flood import FloodControl, SkippedForLimits, best_effort

BOT: Any = SimpleNamespace(id=42)
CHAT = 7


class Telegram:
    def __init__(self) -> None:
        self.made: list[str] = []

    async def __call__(self, bot: Any, method: TelegramMethod[Any]) -> Any:
        self.made.append(method.__api_method__)
        return True


def _remove() -> EditMessageReplyMarkup:
    return EditMessageReplyMarkup(chat_id=CHAT, message_id=1)


@pytest.fixture
def flood(redis: Redis) -> FloodControl:
    return FloodControl(redis, per_second=4, private_per_second=1, private_burst=3)


async def test_a_best_effort_call_goes_when_there_is_room(flood: FloodControl) -> None:
    telegram = Telegram()
    with best_effort():
        await flood(telegram, BOT, _remove())
    assert telegram.made == ["editMessageReplyMarkup"]


async def test_it_is_skipped_when_the_bot_is_busy_and_answers_still_go(flood: FloodControl) -> None:
    telegram = Telegram()
    for chat in (101, 102, 103):  # three of the bot's four messages this second, to other people
        await flood(telegram, BOT, SendMessage(chat_id=chat, text="scene"))
    with pytest.raises(SkippedForLimits), best_effort():
        await flood(telegram, BOT, _remove())
    assert telegram.made == ["sendMessage"] * 3
    await flood(telegram, BOT, SendMessage(chat_id=CHAT, text="an answer"))  # not skipped: it waits its turn
    assert telegram.made[-1] == "sendMessage"


async def test_it_is_skipped_when_the_chat_has_had_its_burst(flood: FloodControl) -> None:
    telegram = Telegram()
    for _ in range(3):
        await flood(telegram, BOT, SendMessage(chat_id=CHAT, text="scene"))
    with pytest.raises(SkippedForLimits), best_effort():
        await flood(telegram, BOT, _remove())
    assert telegram.made == ["sendMessage"] * 3


async def test_it_is_skipped_while_telegram_asked_for_a_pause(flood: FloodControl, redis: Redis) -> None:
    telegram = Telegram()
    await redis.set(f"telegram:pause:{BOT.id}:{CHAT}", "1", px=5000)
    with pytest.raises(SkippedForLimits), best_effort():
        await flood(telegram, BOT, _remove())
    assert telegram.made == []
