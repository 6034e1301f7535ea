"""Where a story's metadata comes from: the manifest over the ink's tags over defaults, and one message for every
problem at once."""

from __future__ import annotations

import pytest

from storycam.contracts.stories import StoryManifest
from storycam.story.catalogue.metadata import ScriptFacts, settle
from storycam.story.errors import StoryRejected


def _facts(hint: str | None = None, opening: str = "The wind.", **tags: str) -> ScriptFacts:
    return ScriptFacts(tags=tags, language_hint=hint, first_knot="the_shore", opening=opening)


def test_the_manifest_wins_over_tags_and_tags_over_defaults() -> None:
    manifest = StoryManifest(title={"ru": "Маяк"}, tier="premium")
    settled = settle(
        [_facts("en", slug="light", title="Tagged Light", tier="free"), _facts("ru", slug="light")],
        manifest,
        "some-folder",
    )
    assert settled.slug == "light"
    assert settled.tier == "premium"
    assert settled.titles == {"en": "Tagged Light", "ru": "Маяк"}
    assert settled.languages == ("en", "ru")
    assert settled.notes == ()


def test_defaults_come_from_the_name_the_first_knot_and_the_alphabet() -> None:
    named = settle([_facts(opening="Ветер с моря.")], None, "the_lighthouse")
    assert (named.slug, named.titles, named.tier, named.languages) == (
        "the-lighthouse",
        {"ru": "The lighthouse"},
        "free",
        ("ru",),
    )
    assert any("guessed from its text" in note for note in named.notes)
    unnamed = settle([_facts("en", slug="shore-story")], None, None)
    assert unnamed.titles == {"en": "The shore"}


def test_everything_wrong_is_named_in_one_message() -> None:
    with pytest.raises(StoryRejected) as refused:
        settle(
            [_facts("en", language="ru", tier="gold", cover="../x"), _facts("en", slug="b")],
            StoryManifest(languages=["ru"]),
            None,
        )
    detail = refused.value.detail
    assert "the script" not in detail  # two scripts: each is named by number
    for problem in (
        "script 1 says `# language: ru` but was given as en",
        "a script is in en, which the story does not declare",
        "slug 'b': 2–40 lowercase letters, digits and dashes",
        "tier must be free or premium, not 'gold'",
        "cover must be a media file name or an http(s) URL",
    ):
        assert f"- {problem}" in detail, detail


def test_two_scripts_in_one_language_and_a_declared_one_missing() -> None:
    with pytest.raises(StoryRejected) as refused:
        settle([_facts("en", slug="x1"), _facts("en", slug="x1")], StoryManifest(languages=["en", "ru"]), None)
    assert "- two scripts are in en" in refused.value.detail
    assert "- the story declares ru but no ru script is given" in refused.value.detail
