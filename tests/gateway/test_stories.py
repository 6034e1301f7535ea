"""Stories in the chat, end to end: emulator as Telegram, the real gateway, story and payments services."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.gateway.live import Platform, buttons, live_platform, words
from tests.gateway.support import until

pytestmark = pytest.mark.slow


async def _open_the_quiet_study(platform: Platform, person: int) -> list[dict[str, Any]]:
    await platform.say(person, "/stories")
    [catalogue] = await platform.wait_for_bot(person, 1)
    await platform.tap(person, catalogue["message_id"], buttons(catalogue)["The Quiet Study"])
    return await platform.wait_for_bot(person, 1, where=lambda m: "Lantern Row" in words(m))


async def test_a_story_is_played_with_buttons_andwords(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        alice = platform.alice
        [scene] = await _open_the_quiet_study(platform, alice)
        # One message answers the tap: the scene's picture, its text as the caption, the choices under it.
        assert scene.get("photo")
        assert [m["message_id"] for m in await platform.bot_messages(alice)][-1] == scene["message_id"]
        assert len(await platform.bot_messages(alice)) == 2  # the catalogue, then the scene
        choices = buttons(scene)
        assert list(choices) == [
            "Ask why she doubts the doctor",
            "Ask who else is in the house",
            "Take the key and go straight up",
        ]

        # A double tap: both taps leave the phone before the buttons go. Whichever Telegram delivers first moves the
        # story (the two race, as on a phone); the other was made for an earlier moment and gets a friendly answer
        # with the current choices, not a wrong move.
        outcomes = {
            "Take the key and go straight up": "puts the key in it",
            "Ask who else is in the house": "Agnes Pell, our housekeeper",
        }
        before = len(await platform.bot_messages(alice))
        await asyncio.gather(*(platform.tap(alice, scene["message_id"], choices[choice]) for choice in outcomes))
        await platform.wait_for_bot(alice, 1, where=lambda m: any(o in words(m) for o in outcomes.values()))
        await platform.wait_for_bot(alice, 1, where=lambda m: "earlier moment" in m.get("text", ""))
        story_so_far = " ".join(words(m) for m in await platform.bot_messages(alice))
        moved = [choice for choice, outcome in outcomes.items() if outcome in story_so_far]
        assert len(moved) == 1, f"exactly one tap moves the story, the stale one must not: {moved}"
        assert len(await platform.bot_messages(alice)) > before

        # Words instead of a button: matched to one of the author's choices (locally: there is no LLM key).
        current = (await platform.bot_messages(alice))[-1]
        wanted = next(text for text in buttons(current) if not text.startswith("↩️"))
        before = len(await platform.bot_messages(alice))
        await platform.say(alice, wanted.lower())
        await platform.wait_for_bot(alice, before + 1)
        assert "earlier moment" not in words((await platform.bot_messages(alice))[before])


async def test_a_used_choice_loses_its_buttons_once_the_answer_is_out(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        alice = platform.alice
        [scene] = await _open_the_quiet_study(platform, alice)
        # A reader takes a few seconds over a scene: Telegram's pacing for this chat has room again when she taps.
        await asyncio.sleep(3.2)
        before = len(await platform.bot_messages(alice))
        await platform.tap(alice, scene["message_id"], buttons(scene)["Take the key and go straight up"])
        [answer] = await platform.wait_for_bot(alice, 1, where=lambda m: "puts the key in it" in words(m))
        assert buttons(answer), "the answer brings the next choices"
        assert len(await platform.bot_messages(alice)) == before + 1, "one message answers the tap"

        async def used_buttons_gone() -> bool:
            tapped = next(m for m in await platform.bot_messages(alice) if m["message_id"] == scene["message_id"])
            return not buttons(tapped)

        await until(used_buttons_gone)


async def test_the_second_players_picture_is_sent_by_telegrams_file_id(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        [alices] = await _open_the_quiet_study(platform, platform.alice)
        uploads_before = await platform.metric("storycam_gateway_story_media_uploads_total")
        created = await platform.control.post("/sandbox/users", json={"first_name": "Bob", "language_code": "en"})
        bob = created.json()["id"]
        [bobs] = await _open_the_quiet_study(platform, bob)
        # The same file on Telegram's side: sent by the id Telegram gave for Alice's upload, not uploaded again.
        assert bobs["photo"][-1]["file_unique_id"] == alices["photo"][-1]["file_unique_id"]
        assert await platform.metric("storycam_gateway_story_media_uploads_total") == uploads_before


async def test_a_russian_player_gets_the_russian_story_and_undo(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        masha = platform.masha
        await platform.say(masha, "/stories")
        [catalogue] = await platform.wait_for_bot(masha, 1)
        titles = list(buttons(catalogue))
        assert any(title.startswith("⭐ ") for title in titles), "the premium story is marked"
        russian_study = next(t for t in titles if not t.startswith("⭐ "))
        await platform.tap(masha, catalogue["message_id"], buttons(catalogue)[russian_study])
        [scene] = await platform.wait_for_bot(
            masha,
            1,
            where=lambda m: bool(buttons(m)) and m is not catalogue and m["message_id"] != catalogue["message_id"],
        )
        first_choice = next(iter(buttons(scene).values()))
        await platform.tap(masha, scene["message_id"], first_choice)
        [after] = (await platform.wait_for_bot(masha, 1, where=lambda m: "↩️ Назад" in buttons(m)))[-1:]
        first_choices = set(buttons(scene)) - {"↩️ Назад"}
        await platform.tap(masha, after["message_id"], buttons(after)["↩️ Назад"])
        # Back to the first scene's choices, offered again on a new message.
        await platform.wait_for_bot(
            masha, 2, where=lambda m: first_choices <= set(buttons(m)) or m["message_id"] == scene["message_id"]
        )


async def test_a_premium_story_shows_the_offer(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/stories")
        [catalogue] = await platform.wait_for_bot(platform.alice, 1)
        premium = next(title for title in buttons(catalogue) if title.startswith("⭐ "))
        await platform.tap(platform.alice, catalogue["message_id"], buttons(catalogue)[premium])
        [offer] = await platform.wait_for_bot(
            platform.alice, 1, where=lambda m: "⭐ Premium" in str(buttons(m)) or "Premium" in m.get("text", "")
        )
        assert "📚 Other stories" in buttons(offer)


async def test_stories_unavailable_is_said_kindly(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, story_url="http://127.0.0.1:9") as platform:
        await platform.say(platform.alice, "/stories")
        [reply] = await platform.wait_for_bot(platform.alice, 1)
        assert reply["text"].startswith("Stories are unavailable right now")
