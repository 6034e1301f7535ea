"""The stories that ship with the service: original, in Russian and English, linted, and playable to an ending."""

from __future__ import annotations

import httpx
import pytest

from storycam.story.catalogue.bundled import bundled_stories
from storycam.story.catalogue.files import read_story
from storycam.story.ink.compiler import InkCompiler
from storycam.story.settings import StorySettings
from storycam.story.tooling.lint import lint
from tests.story.support import Payments, Player

PATHS = {path.name: path for path in bundled_stories()}


def test_there_is_a_detective_and_a_premium_story() -> None:
    tiers = {slug: read_story(path).tier for slug, path in PATHS.items()}
    assert tiers == {"quiet-study": "free", "keepers-signal": "premium"}


@pytest.mark.parametrize("slug", sorted(PATHS))
def test_bundled_story_passes_lint(slug: str) -> None:
    settings = StorySettings()
    compiler = InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir)
    assert compiler.missing() is None, "run `npm ci` in services/story/ink-compiler (make install does)"
    package = read_story(PATHS[slug])
    report = lint(package, compiler=compiler)  # also recompiles each .ink and compares it with the shipped JSON
    assert report.ok, "\n".join(str(f) for f in report.findings)
    assert not report.findings, "\n".join(str(f) for f in report.findings)
    assert set(package.scripts) == {"ru", "en"}
    for script in package.scripts.values():
        assert sum(item.node.choices for item in script.nodes) >= 30
        assert len(script.endings) >= 4
        assert len({e.split(":")[1] for e in report.endings if e.startswith(script.language)}) == len(script.endings)


def test_the_detective_opens_in_a_study_with_one_ai_interrogation() -> None:
    package = read_story(PATHS["quiet-study"])
    for script in package.scripts.values():
        names = {item.node.name for item in script.nodes}
        assert {"study", "study.book", "agnes", "felix", "mira"} <= names
        ai_scenes = [item.node.name for item in script.nodes if any(t.startswith("ai:") for t in item.start_tags)]
        assert ai_scenes == ["agnes"]


DETECTIVE_PATH = {
    "en": [
        "Take the key",
        "Read the book",
        "Look at the teacup",
        "Search the fireplace",
        "Try the desk drawer",
        "You have seen enough",
        "Accuse Felix",
    ],
    "ru": [
        "Взять ключ",
        "Прочитать",
        "Осмотреть чашку",
        "Поворошить",
        "Открыть ящик",
        "Довольно",
        "Обвинить секретаря",
    ],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_full_playthrough_of_the_detective(story: httpx.AsyncClient, language: str) -> None:
    player = Player(story, "quiet-study")
    opening = await player.start(language)
    assert opening.kind == "scene"
    assert opening.language == language
    assert (
        opening.messages[0].media[0].source == "/internal/v1/stories/quiet-study/media/study.png?v=1"
    )  # the version: a file id cache key
    for step in DETECTIVE_PATH[language]:
        reply = await player.pick(step)
        assert reply.kind in {"scene", "ending"}, reply
    assert reply.kind == "ending"
    assert reply.choices == []
    assert reply.ending is not None
    assert (reply.ending.id, reply.ending.new, reply.ending.endings_found, reply.ending.endings_total) == (
        "truth",
        True,
        1,
        6,
    )
    assert reply.ending.title == {"en": "The Green Ink", "ru": "Зелёные чернила"}[language]
    assert "Felix" in player.text or "Феликс" in player.text
    assert reply.revision == len(DETECTIVE_PATH[language]) + 1


SIGNAL_PATH = {
    "en": [
        "Ask what he thinks",
        "Read Orla's log",
        "Copy down",
        "Cross the rocks",
        "Call Orla's name",
        "Ask her to come back",
        "Try the radio",
        "Call the coastguard",
        "Sit by the window",
        "Radio Harwick",
    ],
    "ru": [
        "Спросить, что, по его мнению",
        "Прочитать журнал",
        "Переписать сигнал",
        "Перебраться по камням",
        "Позвать Орлу",
        "Попросить её вернуться",
        "Попробовать рацию",
        "Вызвать береговую охрану",
        "Сесть у окна",
        "Передать в Харвик",
    ],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_full_playthrough_of_the_premium_story(
    paid_story: httpx.AsyncClient, payments: Payments, language: str
) -> None:
    player = Player(paid_story, "keepers-signal")
    await payments.grant(player.user_id)
    assert (await player.start(language)).kind == "scene"
    for step in SIGNAL_PATH[language]:
        reply = await player.pick(step)
    assert reply.kind == "ending"
    assert reply.ending is not None
    assert reply.ending.id == "rescue"
    assert reply.ending.title == {"en": "Two Keepers", "ru": "Два смотрителя"}[language]
