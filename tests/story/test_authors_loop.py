"""The author's loop: the watched story is re-imported when its file changes, and a player mid-story plays the new
text at their next tap (as the version rules allow); a story that fails to compile or lint leaves the old version."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.kit.db import create_pool
from storycam.story.ink.compiler import InkCompiler
from storycam.story.settings import StorySettings
from storycam.story.tooling.watch import StoryWatcher
from tests.story.support import Player, new_user, story_running

FIXTURE = Path(__file__).parent / "fixtures" / "lighthouse"
OLD_LAMP = "The lamp catches."
NEW_LAMP = "The lamp roars into life."


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    db = await create_pool(database_url, schema="story", max_size=2)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def live_story(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with story_running(database_url, redis_url, None, story_live_reload=True) as client:
        yield client


def _story_copy(tmp_path: Path) -> tuple[Path, str]:
    slug = f"watched-{new_user()}"
    folder = tmp_path / slug
    shutil.copytree(FIXTURE, folder)
    manifest = folder / "story.toml"
    manifest.write_text(manifest.read_text().replace('slug = "lighthouse"', f'slug = "{slug}"'), encoding="utf-8")
    return folder, slug


def _edit(folder: Path, old: str, new: str) -> None:
    ink = folder / "lighthouse.ink"
    text = ink.read_text(encoding="utf-8")
    assert old in text
    ink.write_text(text.replace(old, new), encoding="utf-8")


async def _versions(pool: asyncpg.Pool, slug: str) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM story_versions v JOIN stories s ON s.id = v.story_id WHERE s.slug = $1", slug
    )
    return count


def _watcher(folder: Path, pool: asyncpg.Pool, said: list[str]) -> StoryWatcher:
    settings = StorySettings()
    compiler = InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir)
    return StoryWatcher(folder, pool, compiler, runs=40, say=said.append)


async def test_an_edit_plays_at_the_next_tap_and_a_broken_one_keeps_the_old_version(
    tmp_path: Path, pool: asyncpg.Pool, live_story: httpx.AsyncClient
) -> None:
    folder, slug = _story_copy(tmp_path)
    said: list[str] = []
    watcher = _watcher(folder, pool, said)
    assert await watcher.reload()
    assert f"{slug}: imported as version 1" in said

    player = Player(live_story, slug)
    await player.start()
    await player.pick("Climb the stairs")

    # A typo that does not compile: said in the console, and nothing is imported.
    _edit(folder, "-> a_light_at_sea", "-> a_light_at_seaa")
    assert not await watcher.reload()
    assert any("not imported, players stay on the version they have" in line for line in said)
    _edit(folder, "-> a_light_at_seaa", "-> a_light_at_sea")

    # A story that compiles but that lint finds broken (a picture it does not have): not imported either.
    _edit(folder, OLD_LAMP, f"# image: beam.png\n{OLD_LAMP}")
    assert not await watcher.reload()
    assert f"{slug}: error: en: missing media 'beam.png' (not in media/)" in said
    assert f"{slug}: lint found errors, not imported; players stay on the version they have" in said
    assert await _versions(pool, slug) == 1

    # The author fixes it and rewrites the scene ahead of the player: the next tap plays the new text.
    _edit(folder, f"# image: beam.png\n{OLD_LAMP}", NEW_LAMP)
    assert await watcher.reload()
    assert f"{slug}: imported as version 2" in said
    ending = await player.pick("Light the lamp")
    assert NEW_LAMP in player.text
    assert OLD_LAMP not in player.text
    assert ending.ending is not None
    assert ending.ending.endings_total == 2


async def test_without_live_reload_a_tap_stays_on_the_version_it_started(
    tmp_path: Path, pool: asyncpg.Pool, story: httpx.AsyncClient
) -> None:
    folder, slug = _story_copy(tmp_path)
    watcher = _watcher(folder, pool, [])
    assert await watcher.reload()
    player = Player(story, slug)
    await player.start()
    await player.pick("Climb the stairs")
    _edit(folder, OLD_LAMP, NEW_LAMP)
    assert await watcher.reload()
    await player.pick("Light the lamp")
    assert OLD_LAMP in player.text  # production's rule: a run moves to a new version when resumed


async def test_the_watcher_reimports_when_the_file_changes(tmp_path: Path, pool: asyncpg.Pool) -> None:
    folder, slug = _story_copy(tmp_path)
    said: list[str] = []
    imported = asyncio.Event()

    def say(line: str) -> None:
        said.append(line)
        if line == f"{slug}: imported as version 1":
            # Saved the moment the first import is done, before the watch has begun: still seen.
            _edit(folder, OLD_LAMP, "Edit 1.")
        elif line == f"{slug}: imported as version 2":
            imported.set()

    settings = StorySettings()
    compiler = InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir)
    stop = asyncio.Event()
    watching = asyncio.create_task(StoryWatcher(folder, pool, compiler, runs=20, say=say).run(stop))
    try:
        async with asyncio.timeout(60):  # a guard against a hang, not a measurement
            await imported.wait()
            imported.clear()
            said.clear()
            # A save while watching: version 3, and nothing imported while nothing changes.
            _edit(folder, "Edit 1.", "Edit 2.")
            while f"{slug}: imported as version 3" not in said:
                await asyncio.sleep(0.05)
            await asyncio.sleep(2.5)  # two of the watch's idle turns
    finally:
        stop.set()
        await watching
    assert [line for line in said if "version" in line] == [f"{slug}: imported as version 3"], said
