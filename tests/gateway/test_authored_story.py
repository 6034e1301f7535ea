"""A story as an Inky author writes it, through the whole chat: Telegram (the emulator) receives valid HTML with
the author's formatting, endings without tags are counted "N of M", a Russian player finds the English-only story
marked when the operator lists it, and an edit of the watched story plays at the next tap."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from storycam.kit.db import create_pool
from storycam.story.ink.compiler import InkCompiler
from storycam.story.settings import StorySettings
from storycam.story.tooling.watch import StoryWatcher
from tests.gateway.live import Platform, buttons, live_platform
from tests.story.support import new_user

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parents[1] / "story" / "fixtures" / "lighthouse"


def _formatting(message: dict[str, Any]) -> set[tuple[str, str]]:
    text = message["text"]
    return {(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in message.get("entities") or []}


async def _tap(platform: Platform, person: int, message: dict[str, Any], choice: str, expect: str) -> dict[str, Any]:
    """Tap a button; the first new message of the bot's answer that says ``expect``."""
    last = max(m["message_id"] for m in await platform.messages(person))
    await platform.tap(person, message["message_id"], buttons(message)[choice])
    [answer, *_] = await platform.wait_for_bot(
        person, 1, where=lambda m: m["message_id"] > last and expect in m.get("text", "")
    )
    return answer


async def test_an_inky_story_plays_formatted_to_its_endings_and_follows_the_author_s_edit(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    number = new_user()
    slug, title = f"lighthouse-{number}", f"The Lighthouse {number % 10_000}"
    folder = tmp_path / slug
    shutil.copytree(FIXTURE, folder)
    manifest = (folder / "story.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('slug = "lighthouse"', f'slug = "{slug}"').replace("The Lighthouse", title)
    (folder / "story.toml").write_text(manifest, encoding="utf-8")
    settings = StorySettings()
    said: list[str] = []
    pool = await create_pool(database_url, schema="story", max_size=2)
    watcher = StoryWatcher(
        folder, pool, InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir), say=said.append
    )
    story_settings = {"story_live_reload": True, "catalogue_other_languages": True}
    try:
        assert await watcher.reload(), said
        async with live_platform(database_url, redis_url, story_overrides=story_settings) as platform:
            alice, masha = platform.alice, platform.masha

            # The Russian catalogue lists it, in English, marked.
            await platform.say(masha, "/stories")
            [russian] = await platform.wait_for_bot(masha, 1, where=lambda m: bool(buttons(m)))
            assert f"{title} · 🇬🇧 только на английском" in buttons(russian)

            await platform.say(alice, "/stories")
            [catalogue] = await platform.wait_for_bot(alice, 1, where=lambda m: bool(buttons(m)))
            assert title in buttons(catalogue), "the English catalogue lists it unmarked"
            opening = await _tap(platform, alice, catalogue, title, "The wind comes off the sea")
            assert opening["text"].startswith("The wind comes off the sea in long, cold breaths.")
            assert "The door is open.\nSomeone has been here before you." in opening["text"]
            assert _formatting(opening) == {("italic", "long, cold breaths"), ("bold", "open")}

            stairs = await _tap(platform, alice, opening, "Climb the stairs", "Ninety-nine steps")
            assert 'A note on the rail: "fuel < 10 litres & falling".' in stairs["text"]
            assert _formatting(stairs) == {("italic", "out loud"), ("bold", "very")}

            # The author rewrites the next scene while Alice reads: the watcher imports it.
            ink = folder / "lighthouse.ink"
            ink.write_text(
                ink.read_text().replace("The lamp catches.", "The lamp <b>roars</b> into life."), encoding="utf-8"
            )
            assert await watcher.reload(), said

            lamp = await _tap(platform, alice, stairs, "Light the lamp", "into life")
            assert lamp["text"].startswith("The lamp roars into life.")
            assert _formatting(lamp) >= {("bold", "roars"), ("underline", "turns"), ("strikethrough", "You are alone.")}
            [ending] = await platform.wait_for_bot(alice, 1, where=lambda m: "Endings found" in m.get("text", ""))
            assert ending["message_id"] > lamp["message_id"]
            assert "A light at sea" in ending["text"]
            assert "Endings found: 1 of 2" in ending["text"]

            again = await _tap(platform, alice, ending, "🔁 Play again", "The wind comes off the sea")
            beach = await _tap(platform, alice, again, "Walk along the shore", "The tide is out")
            fog = await _tap(platform, alice, beach, "Follow them", "The fog closes")
            assert '<span class="whisper">very softly</span>' in fog["text"], "unknown markup is shown as text"
            # No formatting (a "/span" may read as a command, as Telegram marks any /word a bot sends).
            assert not [e for e in fog.get("entities") or [] if e["type"] != "bot_command"]
            await platform.wait_for_bot(alice, 1, where=lambda m: "Endings found: 2 of 2" in m.get("text", ""))
    finally:
        await pool.close()
