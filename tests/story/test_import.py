"""Importing stories: over REST (ink compiled on the server, or compiled JSON) and with the console tools.
Bad input is a clear 4xx, nothing is stored, and the service keeps serving."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.story.catalogue.bundled import BUNDLED_DIR
from storycam.story.ink.compiler import InkCompiler
from storycam.story.settings import StorySettings
from storycam.story.tooling.cli import main as tools
from tests.story.support import corridor, new_user, story_running, upload

PNG = base64.b64encode((BUNDLED_DIR / "quiet-study" / "media" / "study.png").read_bytes()).decode()


async def _counts(db: asyncpg.Connection) -> tuple[int, ...]:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM story.stories), (SELECT count(*) FROM story.story_versions), "
        "(SELECT count(*) FROM story.story_scripts), (SELECT count(*) FROM story.story_media)"
    )
    assert row is not None
    return tuple(row)


def _compiled(ink: str) -> str:
    settings = StorySettings()
    return InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir).compile(ink)


async def test_an_ink_upload_in_two_languages_with_media_becomes_a_story(
    story: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    slug = f"corridor-{new_user()}"
    english = corridor(slug).replace("# tier: free", "# tier: free\n# cover: door.png")
    russian = english.replace("# language: en", "# language: ru").replace("The Corridor", "Коридор")
    response = await upload(
        story,
        {"ink": english},
        {"language": "ru", "compiled": _compiled(russian)},
        media=[{"name": "door.png", "content_type": "image/png", "data": PNG}],
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "slug": slug,
        "version": 1,
        "created": True,
        "languages": ["ru", "en"],
        "pruned_versions": 0,
        "warnings": [],
    }
    listing = (await story.get("/internal/v1/stories", params={"language": "ru"})).json()
    [mine] = [s for s in listing["stories"] if s["slug"] == slug]
    assert mine["title"] == "Коридор"
    assert mine["endings_total"] == 2
    assert mine["cover"] == {"kind": "image", "source": f"/internal/v1/stories/{slug}/media/door.png"}
    picture = await story.get(mine["cover"]["source"])
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    source = await db.fetchval(
        "SELECT sc.source FROM story.story_scripts sc JOIN story.story_versions v ON v.id = sc.version_id "
        "JOIN story.stories s ON s.id = v.story_id WHERE s.slug = $1 AND sc.language = 'en'",
        slug,
    )
    assert source == english


@pytest.mark.parametrize(
    ("body", "error", "says"),
    [
        ({"scripts": [{"language": "en", "ink": "Hello\n-> nowhere\n"}]}, "story_rejected", "Divert target not found"),
        ({"scripts": [{"language": "en", "ink": "INCLUDE /etc/passwd\n"}]}, "story_rejected", "does not compile"),
        ({"scripts": [{"language": "en", "compiled": '{"hello": "world"}'}]}, "story_rejected", "not a compiled ink"),
        ({"scripts": [{"language": "en", "compiled": "not json at all"}]}, "story_rejected", "not JSON"),
        ({"scripts": [{"language": "en", "ink": "Hello.\n-> END\n"}]}, "story_rejected", "# slug:"),
        (
            {"scripts": [{"language": "ru", "ink": corridor("mismatch")}]},
            "story_rejected",
            "`# language: en` but was given as ru",
        ),
        (
            {
                "scripts": [
                    {"ink": corridor("loops").replace("-> corridor\n\n", "-> spin\n=== spin ===\n-> spin\n\n", 1)}
                ]
            },
            "story_rejected",
            "loops",
        ),
        (
            {"scripts": [{"ink": corridor("pictures").replace("A corridor", "# image: missing.png\nA corridor")}]},
            "story_rejected",
            "missing.png",
        ),
        ({"scripts": [{"ink": corridor("a"), "compiled": "{}"}]}, "validation_error", "exactly one"),
        ({"scripts": []}, "validation_error", "at least 1"),
        (
            {
                "scripts": [{"ink": corridor("m")}],
                "media": [{"name": "../x.png", "content_type": "image/png", "data": PNG}],
            },
            "validation_error",
            "pattern",
        ),
        (
            {
                "scripts": [{"ink": corridor("n")}],
                "media": [{"name": "x.png", "content_type": "image/png", "data": "%%%"}],
            },
            "validation_error",
            "base64",
        ),
    ],
    ids=[
        "does-not-compile",
        "include",
        "json-not-a-story",
        "not-json",
        "no-slug",
        "wrong-language",
        "endless-loop",
        "missing-media",
        "both-forms",
        "no-scripts",
        "media-name",
        "media-data",
    ],
)
async def test_a_bad_upload_is_refused_and_nothing_is_stored(
    story: httpx.AsyncClient, db: asyncpg.Connection, body: dict[str, object], error: str, says: str
) -> None:
    before = await _counts(db)
    response = await story.post("/internal/v1/stories", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert says in json.dumps(response.json(), ensure_ascii=False)
    assert await _counts(db) == before
    assert (await story.get("/internal/v1/stories", params={"language": "en"})).status_code == 200


async def test_an_oversized_upload_is_refused_before_it_is_read(
    story: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    before = await _counts(db)
    huge = {"scripts": [{"ink": corridor("huge") + "// " + "x" * (17 * 1024 * 1024)}]}
    response = await story.post("/internal/v1/stories", json=huge)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    too_long = {"scripts": [{"ink": corridor("long") + "// " + "x" * 4_000_001}]}
    assert (await story.post("/internal/v1/stories", json=too_long)).status_code == 422
    assert await _counts(db) == before
    assert (await story.get("/internal/v1/stories", params={"language": "en"})).status_code == 200


@pytest.fixture
async def story_without_node(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with story_running(database_url, redis_url, None, ink_node_binary="storycam-no-such-node") as client:
        yield client


async def test_without_node_ink_source_is_refused_clearly_and_json_still_imports(
    story_without_node: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    slug = f"corridor-{new_user()}"
    before = await _counts(db)
    refused = await upload(story_without_node, {"ink": corridor(slug)})
    assert refused.status_code == 422
    assert refused.json()["error"] == "ink_compiler_unavailable"
    assert "Node.js" in refused.json()["detail"]
    assert "compiled JSON" in refused.json()["detail"]
    assert await _counts(db) == before
    accepted = await upload(story_without_node, {"compiled": _compiled(corridor(slug))})
    assert accepted.status_code == 201


async def test_the_graph_and_media_of_a_stored_story(story: httpx.AsyncClient) -> None:
    graph = await story.get("/internal/v1/stories/quiet-study/graph", params={"language": "ru"})
    assert graph.status_code == 200
    mermaid = graph.json()["mermaid"]
    assert mermaid.startswith("flowchart TD\n")
    assert 'n2_study["study"]' in mermaid
    assert "n2_study --> n3_study_book" in mermaid
    assert "class n8_agnes ai" in mermaid
    assert "class n11_map_room premium" in mermaid
    assert "map_room ★" in mermaid
    assert (await story.get("/internal/v1/stories/quiet-study/media/nothing.png")).status_code == 404
    assert (await story.get("/internal/v1/stories/quiet-study/graph", params={"language": "de"})).status_code == 422


def _run_tools(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        tools(argv)
    code = exit_.value.code
    return code if isinstance(code, int) else 1


def test_the_console_imports_a_directory_and_a_single_ink(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    slug = f"corridor-{new_user()}"
    single = tmp_path / "corridor.ink"
    single.write_text(corridor(slug), encoding="utf-8")
    assert _run_tools(["import", str(single)]) == 0
    assert f"{slug}: stored as version 1 (en)" in capsys.readouterr().out
    assert _run_tools(["import", str(single)]) == 0
    assert f"{slug}: unchanged at version 1" in capsys.readouterr().out
    assert _run_tools(["import", "--bundled"]) == 0
    assert "quiet-study: unchanged at version 1 (ru, en)" in capsys.readouterr().out

    monkeypatch.setenv("INK_NODE_BINARY", "storycam-no-such-node")
    assert _run_tools(["import", str(single)]) == 2
    assert "Node.js ('storycam-no-such-node') is not installed" in capsys.readouterr().err


def test_the_console_draws_the_graph(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_tools(["graph", str(BUNDLED_DIR / "keepers-signal"), "--language", "en"]) == 0
    drawing = capsys.readouterr().out
    assert drawing.startswith("flowchart TD")
    assert "n10_night --> n11_landing" in drawing
    assert "ending_rescue ⟶ rescue" in drawing


def _broken_story(directory: Path, slug: str) -> None:
    english = corridor(slug).replace(
        "=== left ===\nThe left room is empty but for a door.\n* [Open the door] -> door\n* [Go back] -> corridor\n",
        "=== left ===\nThe left room has no way out.\n-> END\n\n=== attic ===\nNobody ever comes up here.\n-> END\n",
    )
    english = english.replace("A corridor with two doors.", "# image: corridor.png\nA corridor with two doors.")
    (directory / "en.ink").write_text(english, encoding="utf-8")
    (directory / "en.ink.json").write_text(_compiled(english), encoding="utf-8")
    russian = english.replace("# language: en", "# language: ru").replace("* [Go right] -> right\n", "")
    (directory / "ru.ink").write_text(russian, encoding="utf-8")
    (directory / "ru.ink.json").write_text(_compiled(russian) + " ", encoding="utf-8")  # stale on purpose


def test_lint_finds_unreached_knots_missing_media_and_translation_gaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_story(tmp_path, "broken-corridor")
    assert _run_tools(["lint", str(tmp_path), "--runs", "40"]) == 1
    out = capsys.readouterr().out
    # An untagged `-> END` is an ending named after its knot, not a dead end.
    assert "dead end" not in out
    assert "en:left ×" in out
    assert "warning: en: attic was never reached in 40 playthroughs" in out
    assert "error: en: missing media 'corridor.png' (not in media/)" in out
    assert "error: ru vs en: corridor differs" in out
    assert "error: ru: the compiled JSON is older than the ink" in out
    assert "broken-corridor: FAILED" in out

    assert _run_tools(["lint", str(BUNDLED_DIR / "keepers-signal"), "--runs", "100"]) == 0
    assert "keepers-signal: ok: 200 playthroughs" in capsys.readouterr().out


def test_one_language_is_enough_but_a_declared_one_must_be_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "en.ink").write_text(corridor("only-english"), encoding="utf-8")
    (tmp_path / "en.ink.json").write_text(_compiled(corridor("only-english")), encoding="utf-8")
    assert _run_tools(["lint", str(tmp_path), "--runs", "30"]) == 0
    out = capsys.readouterr().out
    assert "only-english: ok" in out
    assert "translation" not in out

    (tmp_path / "story.toml").write_text('languages = ["en", "ru"]\n', encoding="utf-8")
    assert _run_tools(["lint", str(tmp_path), "--runs", "30"]) == 2
    assert "the story declares ru but no ru script is given" in capsys.readouterr().err
