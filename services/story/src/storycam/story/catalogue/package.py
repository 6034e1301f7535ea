"""A story ready to store: its scripts (one compiled ink per language) read and checked, and its media.

Everything about a story is written in its ink, as global tags (``# slug:``, ``# title:`` …), so a story
edited in Inky carries its own description. Reading a script plays its opening once: a story that does not
start is refused at the door, not found broken by the first player.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import cast

from storycam.contracts.stories import LANGUAGES, MEDIA_NAME_PATTERN, SLUG_PATTERN, Language, StoryTier
from storycam.story.errors import StoryRejected
from storycam.story.ink.nodes import TOP, Node, NotAStory, index_nodes
from storycam.story.ink.runtime import InkError, InkStory
from storycam.story.ink.tags import ending_of, media_of, values_of

_TIERS = ("free", "premium")


@dataclass(frozen=True)
class IndexedNode:
    node: Node
    start_tags: tuple[str, ...]


@dataclass(frozen=True)
class Script:
    language: Language
    slug: str
    title: str
    description: str
    tier: StoryTier
    cover: str | None
    compiled: str
    source: str | None
    nodes: tuple[IndexedNode, ...]
    endings: tuple[str, ...]

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.compiled.encode()).hexdigest()


@dataclass(frozen=True)
class MediaFile:
    name: str
    content_type: str
    data: bytes

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class StoryPackage:
    slug: str
    tier: StoryTier
    titles: dict[str, str]
    descriptions: dict[str, str]
    cover: str | None
    scripts: dict[Language, Script]
    media: dict[str, MediaFile] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def media_refs(self) -> set[str]:
        """The media files the scripts name (URLs aside)."""
        return {ref for script in self.scripts.values() for ref in media_refs(script) if not is_url(ref)}

    @property
    def checksum(self) -> str:
        """The version's identity: its scripts. Titles and media may change without a new version."""
        parts = sorted(f"{language}:{script.checksum}" for language, script in self.scripts.items())
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def read_script(compiled: str, *, source: str | None = None, language: str | None = None) -> Script:
    """Check one compiled script and read what it says about itself. Raises :class:`StoryRejected`."""
    label = f"the {language} script" if language else "a script"
    try:
        nodes = index_nodes(compiled)
        story = InkStory(compiled)
    except (NotAStory, InkError) as exc:
        raise StoryRejected(f"{label} is not a compiled ink story: {exc}") from None
    tags = values_of(story.global_tags)
    declared = tags.get("language") or language
    if declared not in LANGUAGES:
        raise StoryRejected(f"{label} names no language we serve: add `# language: ru` or `# language: en` at its top")
    if language and declared != language:
        raise StoryRejected(f"{label} says `# language: {declared}` but was uploaded as {language}")
    label = f"the {declared} script"
    slug = tags.get("slug", "")
    if not re.match(SLUG_PATTERN, slug):
        raise StoryRejected(f"{label} needs `# slug: …` at its top: 2–40 lowercase letters, digits and dashes")
    title = tags.get("title", "").strip()
    if not title:
        raise StoryRejected(f"{label} needs `# title: …` at its top")
    tier = tags.get("tier", "free")
    if tier not in _TIERS:
        raise StoryRejected(f"{label}: `# tier:` must be free or premium, not {tier!r}")
    cover = tags.get("cover") or None
    if cover and not (is_url(cover) or re.match(MEDIA_NAME_PATTERN, cover)):
        raise StoryRejected(f"{label}: `# cover:` must be a media file name or an http(s) URL")
    try:
        story.begin()
    except InkError as exc:
        raise StoryRejected(f"{label} does not start: {exc}") from None
    indexed = tuple(IndexedNode(node, story.start_tags(node.name) if node.knot != TOP else ()) for node in nodes)
    endings = sorted({ending.id for item in indexed if (ending := ending_of(item.node.tags)) is not None})
    return Script(
        language=declared,
        slug=slug,
        title=title,
        description=tags.get("description", "").strip(),
        tier=cast(StoryTier, tier),
        cover=cover,
        compiled=compiled,
        source=source,
        nodes=indexed,
        endings=tuple(endings),
    )


def assemble(scripts: list[Script], media: list[MediaFile]) -> StoryPackage:
    """One story from its scripts: they must agree on slug and tier, one per language."""
    if not scripts:
        raise StoryRejected("a story needs at least one script")
    first = scripts[0]
    by_language: dict[Language, Script] = {}
    for script in scripts:
        if script.slug != first.slug:
            raise StoryRejected(f"the scripts name different stories: {first.slug!r} and {script.slug!r}")
        if script.tier != first.tier:
            raise StoryRejected(
                f"the {script.language} script is {script.tier} but the {first.language} one is {first.tier}"
            )
        if script.language in by_language:
            raise StoryRejected(f"two scripts are in {script.language}")
        by_language[script.language] = script
    names = [m.name for m in media]
    if len(set(names)) != len(names):
        raise StoryRejected("two media files have the same name")
    files = {m.name: m for m in media}
    warnings = [f"no {language} translation" for language in LANGUAGES if language not in by_language]
    return StoryPackage(
        slug=first.slug,
        tier=first.tier,
        titles={language: s.title for language, s in by_language.items()},
        descriptions={language: s.description for language, s in by_language.items()},
        cover=first.cover,
        scripts=by_language,
        media=files,
        warnings=tuple(warnings),
    )


def is_url(ref: str) -> bool:
    return ref.startswith(("https://", "http://"))


def media_refs(script: Script) -> set[str]:
    refs = {m.ref for item in script.nodes for m in media_of(item.node.tags)}
    if script.cover:
        refs.add(script.cover)
    return refs
