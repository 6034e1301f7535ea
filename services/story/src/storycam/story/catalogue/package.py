"""A story ready to store: its scripts (one compiled ink per language) read and checked, and its media.

What a story is (slug, titles, tier …) comes from its manifest, its ink's global tags or defaults (see
:mod:`storycam.story.catalogue.metadata`). Reading a script plays its opening once: a story that does not
start is refused at the door, not found broken by the first player.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from storycam.contracts.stories import LANGUAGES, Language, StoryManifest, StoryTier
from storycam.story.catalogue.metadata import ScriptFacts, settle
from storycam.story.errors import StoryRejected
from storycam.story.ink.nodes import TOP, Node, NotAStory, index_nodes
from storycam.story.ink.runtime import InkError, InkStory
from storycam.story.ink.tags import ending_of, knot_ending, media_of, values_of


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


@dataclass(frozen=True)
class ScriptDraft:
    """One compiled script, checked and indexed, before the story's metadata is settled."""

    compiled: str
    source: str | None
    facts: ScriptFacts
    nodes: tuple[IndexedNode, ...]
    endings: tuple[str, ...]


def read_script(compiled: str, *, source: str | None = None, language: str | None = None) -> ScriptDraft:
    """Check one compiled script and read what it says about itself. Raises :class:`StoryRejected`."""
    label = f"the {language} script" if language else "a script"
    try:
        nodes = index_nodes(compiled)
        story = InkStory(compiled)
    except (NotAStory, InkError) as exc:
        raise StoryRejected(f"{label} is not a compiled ink story: {exc}") from None
    try:
        opening = story.begin()
    except InkError as exc:
        raise StoryRejected(f"{label} does not start: {exc}") from None
    indexed = tuple(IndexedNode(node, story.start_tags(node.name) if node.knot != TOP else ()) for node in nodes)
    first_knot = next((node.knot for node in nodes if node.knot != TOP), None)
    sample = " ".join([*(line.text for line in opening.lines), *opening.choices])
    facts = ScriptFacts(values_of(story.global_tags), language if language in LANGUAGES else None, first_knot, sample)
    return ScriptDraft(compiled, source, facts, indexed, tuple(endings_of(nodes)))


def endings_of(nodes: list[Node]) -> list[str]:
    """The endings of a script: each ``# ending:`` tag, and each knot with an ``-> END`` and no such tag."""
    found = set()
    for node in nodes:
        ending = ending_of(node.tags)
        if ending is not None:
            found.add(ending.id)
        elif node.ends:
            found.add(knot_ending(None if node.knot == TOP else node.knot, "").id)
    return sorted(found)


def assemble(
    drafts: list[ScriptDraft],
    media: list[MediaFile],
    *,
    manifest: StoryManifest | None = None,
    name: str | None = None,
) -> StoryPackage:
    """One story from its scripts (one per language) and media; ``name`` (of its file) gives defaults."""
    if not drafts:
        raise StoryRejected("a story needs at least one script")
    metadata = settle([draft.facts for draft in drafts], manifest, name)
    by_language: dict[Language, Script] = {}
    for draft, language in zip(drafts, metadata.languages, strict=True):
        by_language[language] = Script(
            language=language,
            slug=metadata.slug,
            title=metadata.titles[language],
            description=metadata.descriptions[language],
            tier=metadata.tier,
            cover=metadata.cover,
            compiled=draft.compiled,
            source=draft.source,
            nodes=draft.nodes,
            endings=draft.endings,
        )
    names = [m.name for m in media]
    if len(set(names)) != len(names):
        raise StoryRejected("two media files have the same name")
    return StoryPackage(
        slug=metadata.slug,
        tier=metadata.tier,
        titles=dict(metadata.titles),
        descriptions=dict(metadata.descriptions),
        cover=metadata.cover,
        scripts=by_language,
        media={m.name: m for m in media},
        warnings=metadata.notes,
    )


def is_url(ref: str) -> bool:
    return ref.startswith(("https://", "http://"))


def media_refs(script: Script) -> set[str]:
    refs = {m.ref for item in script.nodes for m in media_of(item.node.tags)}
    if script.cover:
        refs.add(script.cover)
    return refs
