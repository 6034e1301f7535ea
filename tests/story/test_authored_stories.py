"""A story as an Inky author writes it (tests/story/fixtures/lighthouse): no global tags, inline formatting, one
language, `-> END` without `# ending:` tags, a knot nothing leads to. It imports with its manifest or with the
command's options, lints with warnings (failing only with --strict), counts its endings from the node index, is
listed in the other language's catalogue only when the operator says so, and plays in its own language."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from storycam.sandbox.telegram.formatting import parse_html
from storycam.story.tooling.cli import main as tools
from tests.story.support import Player, new_user, story_running, upload

FIXTURE = Path(__file__).parent / "fixtures" / "lighthouse"
INK = (FIXTURE / "lighthouse.ink").read_text(encoding="utf-8")


def _run_tools(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        tools(argv)
    code = exit_.value.code
    return code if isinstance(code, int) else 1


def _copy(tmp_path: Path, slug: str, title: str) -> Path:
    """The fixture under another slug and title (the session's database is shared by every test)."""
    folder = tmp_path / slug
    shutil.copytree(FIXTURE, folder)
    manifest = (folder / "story.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('slug = "lighthouse"', f'slug = "{slug}"')
    (folder / "story.toml").write_text(manifest.replace('"The Lighthouse"', f'"{title}"'), encoding="utf-8")
    return folder


def test_it_imports_with_its_manifest(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    slug = f"lighthouse-{new_user()}"
    assert _run_tools(["import", str(_copy(tmp_path, slug, "Manifest Light"))]) == 0
    out = capsys.readouterr().out
    assert f"{slug}: stored as version 1 (en)" in out
    assert "note:" not in out, "everything was given: no default taken"


def test_it_imports_with_options_and_defaults_for_the_rest(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    slug = f"options-{new_user()}"
    single = tmp_path / "the_lighthouse.ink"  # no manifest beside this one
    single.write_text(INK, encoding="utf-8")
    argv = ["import", str(single), "--slug", slug, "--language", "en", "--tier", "free"]
    assert _run_tools(argv) == 0
    out = capsys.readouterr().out
    assert f"{slug}: stored as version 1 (en)" in out
    assert "note: en title 'The lighthouse', from the file name" in out

    # Options that cannot be used are refused, all of them in one message.
    assert _run_tools(["import", str(single), "--slug", "X", "--cover", "../etc/passwd"]) == 2
    err = capsys.readouterr().err
    assert "--slug" in err
    assert "--cover" in err


async def test_the_rest_api_takes_a_manifest_and_names_everything_missing_at_once(
    story: httpx.AsyncClient,
) -> None:
    slug = f"uploaded-{new_user()}"
    manifest: dict[str, Any] = {"slug": slug, "title": {"en": "Uploaded Light"}, "languages": ["en"]}
    created = await upload(story, {"ink": INK})
    # Without the manifest the ink says nothing of its slug, and there is no file name to take one from.
    assert created.status_code == 422
    assert "slug" in created.json()["detail"]

    both_wrong = await story.post(
        "/internal/v1/stories",
        json={"scripts": [{"ink": INK, "language": "ru"}], "manifest": {"languages": ["en"]}},
    )
    assert both_wrong.status_code == 422
    detail = both_wrong.json()["detail"]
    # One message: the slug, the undeclared language and the missing declared one, together.
    assert detail.count("\n- ") == 3, detail
    assert "slug" in detail
    assert "the story declares en but no en script is given" in detail
    assert "a script is in ru, which the story does not declare" in detail

    stored = await story.post("/internal/v1/stories", json={"scripts": [{"ink": INK}], "manifest": manifest})
    assert stored.status_code == 201, stored.text
    assert stored.json()["languages"] == ["en"]
    assert stored.json()["warnings"] == []
    listing = (await story.get("/internal/v1/stories", params={"language": "en"})).json()
    [mine] = [s for s in listing["stories"] if s["slug"] == slug]
    assert (mine["title"], mine["tier"], mine["endings_total"]) == ("Uploaded Light", "free", 2)


def test_lint_passes_with_warnings_and_fails_with_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_tools(["lint", str(FIXTURE), "--runs", "60"]) == 0
    out = capsys.readouterr().out
    assert "lighthouse: warning: en: cellar was never reached in 60 playthroughs" in out
    assert '<span class="whisper"> is not formatting Telegram shows: it is shown as text' in out
    assert "lighthouse: ok: 60 playthroughs" in out
    assert "en:a_light_at_sea ×" in out
    assert "en:into_the_fog ×" in out
    assert "translation" not in out
    assert "dead end" not in out

    assert _run_tools(["lint", str(FIXTURE), "--runs", "60", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "lighthouse: error: en: cellar was never reached in 60 playthroughs" in out
    assert "lighthouse: FAILED" in out


async def _stored(story: httpx.AsyncClient, title: str) -> str:
    slug = f"light-{new_user()}"
    manifest = {"slug": slug, "title": title, "languages": ["en"]}
    response = await story.post("/internal/v1/stories", json={"scripts": [{"ink": INK}], "manifest": manifest})
    assert response.status_code == 201, response.text
    return slug


async def test_it_plays_formatted_to_both_untagged_endings_counted_from_the_node_index(
    story: httpx.AsyncClient,
) -> None:
    slug = await _stored(story, "Played Light")
    player = Player(story, slug)
    opening = await player.start()
    [message] = opening.messages
    assert message.html is not None
    shown, entities = parse_html(message.html)  # as Telegram parses it: balanced, known tags only
    assert shown == message.text
    assert message.text.startswith("The wind comes off the sea in long, cold breaths.")
    assert "The door is open.\nSomeone has been here" in message.text  # <br> is a new line
    formatted = {(e["type"], shown[e["offset"] : e["offset"] + e["length"]]) for e in entities}
    assert formatted == {("italic", "long, cold breaths"), ("bold", "open")}

    await player.pick("Climb the stairs")
    assert 'A note on the rail: "fuel < 10 litres & falling".' in player.text  # prose, not markup
    ending = await player.pick("Light the lamp")
    assert ending.kind == "ending"
    assert ending.ending is not None
    assert (ending.ending.id, ending.ending.title) == ("a_light_at_sea", "A light at sea")
    assert (ending.ending.endings_found, ending.ending.endings_total) == (1, 2)
    html = ending.messages[0].html or ""
    assert "<u>turns</u>" in html
    assert "<s>You are alone.</s>" in html

    await player.start(restart=True)
    await player.pick("Walk along the shore")
    fog = await player.pick("Follow them")
    assert fog.ending is not None
    assert (fog.ending.id, fog.ending.title, fog.ending.new) == ("into_the_fog", "Into the fog", True)
    assert (fog.ending.endings_found, fog.ending.endings_total) == (2, 2)
    # An unknown tag is text, shown as the author wrote it: with nothing formatted, there is no HTML to send (the
    # gateway escapes the plain text).
    assert fog.messages[0].html is None
    assert 'a bell rings once, <span class="whisper">very softly</span>.' in fog.messages[0].text


async def test_another_language_lists_it_only_when_the_operator_says_so(
    database_url: str, redis_url: str, redis: Redis, story: httpx.AsyncClient
) -> None:
    slug = await _stored(story, "Listed Light")
    russian = (await story.get("/internal/v1/stories", params={"language": "ru"})).json()
    assert slug not in [s["slug"] for s in russian["stories"]]

    async with story_running(database_url, redis_url, None, catalogue_other_languages=True) as everything:
        russian = (await everything.get("/internal/v1/stories", params={"language": "ru"})).json()
        [mine] = [s for s in russian["stories"] if s["slug"] == slug]
        assert (mine["title"], mine["languages"], mine["endings_total"]) == ("Listed Light", ["en"], 2)
        slugs = [s["slug"] for s in russian["stories"]]
        assert slugs.index("quiet-study") < slugs.index(slug), "the catalogue's own language first"
        # A Russian player who picks it plays it in its own language.
        reply = await Player(everything, slug).start(language="ru")
        assert reply.language == "en"
        assert reply.messages[0].text.startswith("The wind comes off the sea")


def test_the_graph_marks_untagged_endings(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_tools(["graph", str(FIXTURE)]) == 0
    drawing = capsys.readouterr().out
    assert 'n3_a_light_at_sea["a_light_at_sea ⟶ a_light_at_sea"]' in drawing
    assert "class n3_a_light_at_sea,n5_into_the_fog ending" in drawing
