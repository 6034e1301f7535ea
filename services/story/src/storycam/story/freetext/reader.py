"""Reading free text: the cached answer, else the LLM, else the local matcher. The story never waits on a dead LLM.

LLM answers are cached in Redis for 30 minutes by script (story version and language), place and the
normalised words, so a hundred players typing "open the door" at the same door cost one call. The place is the
knot together with the choices offered there, since one knot may offer different choices as the story goes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.contracts.stories import Language, ReadingSource
from storycam.kit.logging import get_logger
from storycam.story.freetext.llm import LlmFailed, StoryLlm
from storycam.story.freetext.matcher import match_choice
from storycam.story.freetext.words import normalise

log = get_logger(__name__)

READINGS = Counter(
    "storycam_story_free_text_total", "Free text read, by who decided and whether a choice fit", ["source", "fit"]
)
CACHE_SECONDS = 30 * 60
_NONE = "-"


@dataclass(frozen=True)
class Reading:
    choice: int | None
    source: ReadingSource


def cache_key(script_id: int, place: str, choices: tuple[str, ...], text: str) -> str:
    material = "\x1f".join([str(script_id), place, *choices, normalise(text)])
    return "story:reading:" + hashlib.sha256(material.encode()).hexdigest()[:40]


class FreeTextReader:
    def __init__(self, llm: StoryLlm, redis: Redis) -> None:
        self._llm = llm
        self._redis = redis

    async def read(
        self, *, script_id: int, place: str, text: str, choices: tuple[str, ...], scene: str, language: Language
    ) -> Reading:
        reading = await self._read(script_id, place, text, choices, scene, language)
        READINGS.labels(reading.source, "yes" if reading.choice is not None else "no").inc()
        return reading

    async def _read(
        self, script_id: int, place: str, text: str, choices: tuple[str, ...], scene: str, language: Language
    ) -> Reading:
        key = cache_key(script_id, place, choices, text)
        if self._llm.enabled:
            cached = await self._cached(key)
            if cached is not None:
                return Reading(None if cached == _NONE else int(cached), "cache")
            try:
                choice = await self._llm.pick_choice(text=text, choices=choices, scene=scene, language=language)
            except LlmFailed:
                pass  # logged by the client; the local matcher answers instead
            else:
                await self._remember(key, choice)
                return Reading(choice, "llm")
        local = match_choice(text, choices)
        return Reading(local, "local" if local is not None else "none")

    async def _cached(self, key: str) -> str | None:
        try:
            value = await self._redis.get(key)
        except RedisError:
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def _remember(self, key: str, choice: int | None) -> None:
        try:
            await self._redis.set(key, _NONE if choice is None else str(choice), ex=CACHE_SECONDS)
        except RedisError as exc:
            log.warning("reading.cache_failed", error=str(exc))
