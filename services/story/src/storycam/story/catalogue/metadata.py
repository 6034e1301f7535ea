"""What a story is (slug, titles, descriptions, tier, languages, cover), settled from where an author may say it.

In order: the import's manifest (``story.toml`` beside the ink, overlaid by the command's options, or the upload's
``manifest``), then the ink's global tags (``# slug:`` …), then a default: the slug and title from the file name,
else the title from the first knot; tier free; a script's language from its tag, its file name (``en.ink``), the
languages the story declares, or else its alphabet. Whatever cannot be settled is refused in one message that
lists every item at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from storycam.contracts.stories import LANGUAGES, MEDIA_NAME_PATTERN, SLUG_PATTERN, Language, StoryManifest, StoryTier
from storycam.story.errors import StoryRejected

_TIERS = ("free", "premium")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class ScriptFacts:
    """What one script says of itself: its global tags, the language its file name gives, its first knot and
    the text it opens with (for guessing its language)."""

    tags: dict[str, str]
    language_hint: str | None
    first_knot: str | None
    opening: str


@dataclass(frozen=True)
class StoryMetadata:
    slug: str
    tier: StoryTier
    cover: str | None
    languages: tuple[Language, ...]  # one per script, in the scripts' order
    titles: dict[str, str]  # by language
    descriptions: dict[str, str]
    notes: tuple[str, ...] = ()  # defaults taken that an author may want to know of


@dataclass
class _Findings:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def humanized(name: str) -> str:
    """``the_lighthouse`` → ``The lighthouse``: an identifier or file name as a title."""
    words = re.sub(r"[_\-.\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def slug_from(name: str | None) -> str | None:
    if not name:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return slug if re.match(SLUG_PATTERN, slug) else None


def guess_language(text: str) -> Language:
    return "ru" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "en"


def settle(facts: Sequence[ScriptFacts], manifest: StoryManifest | None, name: str | None) -> StoryMetadata:
    """The story's metadata, or :class:`StoryRejected` naming everything that is missing or wrong."""
    given = manifest or StoryManifest()
    found = _Findings()
    languages = _languages(facts, given, found)
    slug = _slug(facts, given, name, found)
    tier = _agreed(facts, "tier", given.tier, found) or "free"
    if tier not in _TIERS:
        found.problems.append(f"tier must be free or premium, not {tier!r}")
    cover = given.cover or next((f.tags["cover"] for f in facts if f.tags.get("cover")), None)
    if cover and not (cover.startswith(("https://", "http://")) or re.match(MEDIA_NAME_PATTERN, cover)):
        found.problems.append("cover must be a media file name or an http(s) URL")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for fact, language in zip(facts, languages, strict=True):
        titles[language] = _title(fact, language, given, name, slug, found)
        description = _per_language(given.description, language)
        descriptions[language] = (description if description is not None else fact.tags.get("description", "")).strip()
    if found.problems:
        listed = "\n".join(f"- {problem}" for problem in found.problems)
        raise StoryRejected(f"the story cannot be imported until these are settled:\n{listed}")
    return StoryMetadata(
        slug=slug or "",
        tier=cast(StoryTier, tier),
        cover=cover,
        languages=tuple(languages),
        titles=titles,
        descriptions=descriptions,
        notes=tuple(found.notes),
    )


def _languages(facts: Sequence[ScriptFacts], given: StoryManifest, found: _Findings) -> list[Language]:
    declared = list(dict.fromkeys(given.languages or []))
    languages: list[Language] = []
    for number, fact in enumerate(facts, 1):
        label = f"script {number}" if len(facts) > 1 else "the script"
        tagged, hint = fact.tags.get("language"), fact.language_hint
        if tagged and tagged not in LANGUAGES:
            found.problems.append(f"{label} says `# language: {tagged}`: we serve {' and '.join(LANGUAGES)}")
            tagged = None
        if tagged and hint and tagged != hint:
            found.problems.append(f"{label} says `# language: {tagged}` but was given as {hint}")
        language = tagged or hint
        if language is None and len(declared) == 1 and len(facts) == 1:
            language = declared[0]
        if language is None:
            language = guess_language(fact.opening)
            found.notes.append(f"{label}: language {language}, guessed from its text (declare `languages` to be sure)")
        languages.append(cast(Language, language))
    for language in sorted({lang for lang in languages if languages.count(lang) > 1}):
        found.problems.append(f"two scripts are in {language}")
    if declared:
        for language in declared:
            if language not in languages:
                found.problems.append(f"the story declares {language} but no {language} script is given")
        for language in sorted(set(languages) - set(declared)):
            found.problems.append(f"a script is in {language}, which the story does not declare in `languages`")
    return languages


def _agreed(facts: Sequence[ScriptFacts], tag: str, given: str | None, found: _Findings) -> str | None:
    """An item the manifest gives, or that every script tagging it agrees on."""
    if given is not None:
        return given
    values = list(dict.fromkeys(f.tags[tag] for f in facts if f.tags.get(tag)))
    if len(values) > 1:
        found.problems.append(f"the scripts disagree on `# {tag}:` ({', '.join(values)})")
    return values[0] if values else None


def _slug(facts: Sequence[ScriptFacts], given: StoryManifest, name: str | None, found: _Findings) -> str | None:
    slug = _agreed(facts, "slug", given.slug, found)
    if slug is None:
        slug = slug_from(name)
        if slug is None:
            found.problems.append(
                "slug: give `slug` in story.toml (or --slug), or `# slug:` in the ink: 2–40 lowercase letters, "
                "digits and dashes"
            )
        else:
            found.notes.append(f"slug {slug!r}, from the file name")
    elif not re.match(SLUG_PATTERN, slug):
        found.problems.append(f"slug {slug!r}: 2–40 lowercase letters, digits and dashes")
    return slug


def _per_language(value: str | dict[Language, str] | None, language: Language) -> str | None:
    return value.get(language) if isinstance(value, dict) else value


def _title(
    fact: ScriptFacts,
    language: Language,
    given: StoryManifest,
    name: str | None,
    slug: str | None,
    found: _Findings,
) -> str:
    title = (_per_language(given.title, language) or fact.tags.get("title") or "").strip()
    if title:
        return title
    if name:
        source, title = "the file name", humanized(name)
    elif fact.first_knot:
        source, title = "the first knot", humanized(fact.first_knot)
    else:
        source, title = "the slug", humanized(slug or "story")
    found.notes.append(f"{language} title {title!r}, from {source}")
    return title
