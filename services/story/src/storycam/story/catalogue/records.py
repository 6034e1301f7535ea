"""What the catalogue hands out about stories, versions and scripts: plain records, for its own and other modules."""

from __future__ import annotations

from dataclasses import dataclass

from storycam.contracts.stories import Language, StoryTier


@dataclass(frozen=True)
class StoryRecord:
    id: int
    slug: str
    tier: StoryTier
    titles: dict[str, str]
    descriptions: dict[str, str]
    cover: str | None


@dataclass(frozen=True)
class ListedStory:
    story: StoryRecord
    version: int
    languages: list[Language]
    endings: list[str]
    shown: Language  # the language its entry is in: the catalogue's, or one it has


@dataclass(frozen=True)
class ScriptRecord:
    id: int
    story_id: int
    slug: str
    language: Language
    version: int
    compiled: str
    endings: list[str]


@dataclass(frozen=True)
class VersionRecord:
    id: int
    number: int
    checksum: str


@dataclass(frozen=True)
class NodeRecord:
    name: str
    start_tags: list[str]
    tags: list[str]
    diverts: list[str]
    choices: int
