"""The tags a story's author writes in ink and what the engine does with them.

Story (global, at the top of the file): ``# slug: …``, ``# language: ru``, ``# title: …``, ``# description: …``,
``# tier: free|premium``, ``# cover: cover.png``. Knot (at its top): ``# premium``, ``# ai: <character brief>``,
``# ending: <id>: <title>`` (optional: an ``-> END`` is an ending anyway, named after its knot).
Line: ``# image: …``, ``# audio: …``, ``# video: …`` (a file of the story's media,
or an http(s) URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, cast

MEDIA_TAGS: Final = ("image", "audio", "video")
MediaTagKind = Literal["image", "audio", "video"]


@dataclass(frozen=True)
class Tag:
    name: str
    value: str

    @classmethod
    def parse(cls, raw: str) -> Tag:
        name, _, value = raw.partition(":")
        return cls(name.strip().lower(), value.strip())


@dataclass(frozen=True)
class MediaTag:
    kind: MediaTagKind
    ref: str

    @property
    def is_url(self) -> bool:
        return self.ref.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Ending:
    id: str
    title: str


def media_of(tags: tuple[str, ...]) -> list[MediaTag]:
    found = []
    for raw in tags:
        tag = Tag.parse(raw)
        if tag.name in MEDIA_TAGS and tag.value:
            found.append(MediaTag(cast(MediaTagKind, tag.name), tag.value))
    return found


def ending_of(tags: tuple[str, ...]) -> Ending | None:
    for raw in tags:
        tag = Tag.parse(raw)
        if tag.name == "ending" and tag.value:
            ident, _, title = tag.value.partition(":")
            return Ending(ident.strip(), title.strip() or ident.strip())
    return None


def knot_ending(knot: str | None, fallback_title: str) -> Ending:
    """An ending the author did not tag: named after the knot it stops in (``bad_end`` is "Bad end")."""
    if not knot or knot[0].isdigit():  # the story's first lines, before any knot
        return Ending("end", fallback_title)
    return Ending(knot, knot.replace("_", " ").replace("-", " ").strip().capitalize() or knot)


def ai_brief_of(tags: tuple[str, ...]) -> str | None:
    for raw in tags:
        tag = Tag.parse(raw)
        if tag.name == "ai" and tag.value:
            return tag.value
    return None


def is_premium(tags: tuple[str, ...]) -> bool:
    return any(Tag.parse(raw).name == "premium" for raw in tags)


def values_of(tags: tuple[str, ...]) -> dict[str, str]:
    """Name → value of each tag (the first wins), for the story's global tags."""
    values: dict[str, str] = {}
    for raw in tags:
        tag = Tag.parse(raw)
        values.setdefault(tag.name, tag.value)
    return values
