"""A person who floods the bot is answered up to the limit, told once to slow down (in their language), and
then not answered until the window has passed."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from tests.gateway.live import buttons, live_platform
from tests.gateway.support import until

pytestmark = pytest.mark.slow


async def test_a_user_who_floods_is_told_once_to_slow_down(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, user_updates_per_window=5, user_window_seconds=60) as platform:
        for n in range(9):
            await platform.say(platform.alice, f"message {n}")
        # No sentinel here (it would be throttled too): wait until every update was handled instead.
        await until(lambda: platform.handled_everything(redis))
        replies = await platform.bot_messages(platform.alice)
    slow = [m for m in replies if "catch my breath" in m["text"]]
    assert len(slow) == 1
    assert len(replies) == 6  # five answered, one "slow down", the rest dropped


async def test_slow_down_is_said_in_the_language_the_user_chose(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, user_updates_per_window=3, user_window_seconds=60) as platform:
        await platform.say(platform.alice, "/language")  # Alice's Telegram speaks English
        chooser = (await platform.wait_for_bot(platform.alice, 1))[-1]
        await platform.tap(platform.alice, chooser["message_id"], buttons(chooser)["🇷🇺 Русский"])
        await platform.wait_for_bot(platform.alice, 2)
        for n in range(4):
            await platform.say(platform.alice, f"message {n}")
        await until(lambda: platform.handled_everything(redis))
        replies = await platform.bot_messages(platform.alice)
    slow = [m for m in replies if "перевести дух" in m["text"]]
    assert len(slow) == 1, [m["text"] for m in replies]
    assert len(replies) == 4, [m["text"] for m in replies]  # chooser, "done", one answered, one "slow down"


async def test_a_tap_over_the_limit_stops_its_spinner_with_a_note(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    note = "Not so fast! Give me a few seconds, then tap again."
    async with live_platform(database_url, redis_url, user_updates_per_window=3, user_window_seconds=60) as platform:
        await platform.say(platform.alice, "/language")  # 1 of 3
        chooser = (await platform.wait_for_bot(platform.alice, 1))[-1]
        english = buttons(chooser)["🇬🇧 English"]
        taps = [await platform.tap(platform.alice, chooser["message_id"], english) for _ in range(4)]  # 2, 3, over
        await until(lambda: platform.handled_everything(redis))
        answers = [(await platform.control.get(f"/sandbox/callbacks/{tap}")).json() for tap in taps]
        replies = await platform.bot_messages(platform.alice)
    assert all(a["answered"] for a in answers), answers  # no button left spinning
    notes = [(a["answer"] or {}).get("text") for a in answers]
    assert note not in notes[:2], notes
    assert notes[2:] == [note, note], notes
    assert not [m for m in replies if "catch my breath" in m["text"]]  # a note on the button, not a message


async def test_a_flood_of_taps_costs_a_few_notes_a_window_not_one_each(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, user_updates_per_window=2, user_window_seconds=60) as platform:
        await platform.say(platform.alice, "/language")  # 1 of 2
        chooser = (await platform.wait_for_bot(platform.alice, 1))[-1]
        english = buttons(chooser)["🇬🇧 English"]
        taps = [await platform.tap(platform.alice, chooser["message_id"], english) for _ in range(12)]
        await until(lambda: platform.handled_everything(redis))
        answers = [(await platform.control.get(f"/sandbox/callbacks/{tap}")).json() for tap in taps]
    notes = [(a["answer"] or {}).get("text") for a in answers]
    assert notes.count("Not so fast! Give me a few seconds, then tap again.") == 3
    assert [a["answered"] for a in answers[4:]] == [False] * 8  # acked at the door, nothing sent
