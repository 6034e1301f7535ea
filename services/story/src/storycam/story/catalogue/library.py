"""Scripts ready to play, kept in memory: a compiled story is read from PostgreSQL and parsed once per process.

Scripts never change once stored (a change is a new version), so a loaded one stays valid; the least recently
played are let go past ``capacity``. Stories (tier, titles) may change on import and are re-read after a while.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass

import asyncpg

from storycam.contracts.stories import Language
from storycam.story.catalogue import repository
from storycam.story.catalogue.records import StoryRecord
from storycam.story.errors import StoryNotFound
from storycam.story.ink.runtime import InkStory

STORY_SECONDS = 30.0


@dataclass(frozen=True)
class PlayableScript:
    id: int
    story_id: int
    slug: str
    language: Language
    version: int
    endings: tuple[str, ...]
    ink: InkStory


class ScriptLibrary:
    def __init__(self, db: asyncpg.Pool, capacity: int = 32, *, refresh_seconds: float = STORY_SECONDS) -> None:
        self._db = db
        self._capacity = capacity
        self._refresh_seconds = refresh_seconds
        self._scripts: OrderedDict[int, PlayableScript] = OrderedDict()
        self._loading: dict[int, asyncio.Lock] = {}
        self._stories: dict[str, tuple[float, StoryRecord]] = {}

    async def script(self, script_id: int) -> PlayableScript:
        found = self._scripts.get(script_id)
        if found is not None:
            self._scripts.move_to_end(script_id)
            return found
        lock = self._loading.setdefault(script_id, asyncio.Lock())
        async with lock:
            found = self._scripts.get(script_id)
            if found is None:
                record = await repository.script(self._db, script_id)
                if record is None:
                    raise StoryNotFound("That version of the story no longer exists.")
                found = PlayableScript(
                    record.id,
                    record.story_id,
                    record.slug,
                    record.language,
                    record.version,
                    tuple(record.endings),
                    InkStory(record.compiled),
                )
                self._scripts[script_id] = found
                while len(self._scripts) > self._capacity:
                    self._scripts.popitem(last=False)
        self._loading.pop(script_id, None)
        return found

    async def story(self, slug: str) -> StoryRecord:
        """The story (its tier and titles may change on import: re-read after a short while)."""
        cached = self._stories.get(slug)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self._refresh_seconds:
            return cached[1]
        record = await repository.story_by_slug(self._db, slug)
        if record is None:
            raise StoryNotFound(f"There is no story {slug!r}.")
        self._stories[slug] = (now, record)
        return record

    async def newest_script_id(self, story_id: int, language: Language) -> int | None:
        """The script of the newest version in ``language`` that has one."""
        return await repository.newest_script_id(self._db, story_id, language)

    async def newest_languages(self, story_id: int) -> list[Language]:
        return await repository.newest_languages(self._db, story_id)

    def forget_story(self, slug: str) -> None:
        self._stories.pop(slug, None)
