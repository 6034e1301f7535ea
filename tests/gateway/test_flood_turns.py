"""A message's turn under Telegram's limits, taken in one Redis call for the chat's window and the bot's at once."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from storycam.gateway.outbound.flood import FloodControl

BOT = 43


@pytest.fixture
def flood(redis: Redis) -> FloodControl:
    return FloodControl(redis, per_second=5, private_per_second=1, private_burst=3, group_per_minute=2)


async def test_a_private_chat_has_its_burst_then_waits_about_its_window(flood: FloodControl) -> None:
    assert [await flood._take_turn(BOT, 7, 1, spare=False) for _ in range(3)] == [0, 0, 0]
    wait = await flood._take_turn(BOT, 7, 1, spare=False)
    assert 2_000 < wait <= 3_000  # until the first of the three leaves the 3 s window
    assert await flood._take_turn(BOT, 8, 1, spare=False) == 0  # another chat is not held back


async def test_a_group_counts_per_minute(flood: FloodControl) -> None:
    assert [await flood._take_turn(BOT, -100, 1, spare=False) for _ in range(2)] == [0, 0]
    assert 58_000 < await flood._take_turn(BOT, -100, 1, spare=False) <= 60_000


async def test_a_turn_the_bot_has_no_room_for_takes_nothing_from_the_chat(flood: FloodControl, redis: Redis) -> None:
    for chat in range(201, 206):  # the bot's five messages this second
        assert await flood._take_turn(BOT, chat, 1, spare=False) == 0
    assert 0 < await flood._take_turn(BOT, 7, 1, spare=False) <= 1_000
    assert await redis.llen(f"telegram:window:{BOT}:7") == 0  # both windows or neither


async def test_an_album_counts_as_its_items(flood: FloodControl) -> None:
    assert await flood._take_turn(BOT, 7, 3, spare=False) == 0
    assert await flood._take_turn(BOT, 7, 1, spare=False) > 0


async def test_a_pause_telegram_asked_for_holds_every_turn(flood: FloodControl, redis: Redis) -> None:
    await redis.set(f"telegram:pause:{BOT}:all", "1", px=4_000)
    assert 3_000 < await flood._take_turn(BOT, 9, 1, spare=False) <= 4_000
    assert 3_000 < await flood._take_turn(BOT, None, 1, spare=False) <= 4_000
