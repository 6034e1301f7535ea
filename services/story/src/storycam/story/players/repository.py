"""SQL for what the service knows about a player across stories: runs, endings, erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storycam.kit.db import Executor


@dataclass(frozen=True)
class Run:
    status: Literal["playing", "finished"]
    endings: list[str]


@dataclass(frozen=True)
class RunRecord:
    story_id: int
    slug: str
    titles: dict[str, str]
    language: str
    version: int
    revision: int
    started_at: datetime
    updated_at: datetime
    finished: bool
    endings_total: list[str]


async def runs_of(db: Executor, user_id: int) -> dict[int, Run]:
    """Per story the user touched: playing or finished, and the endings they found."""
    rows = await db.fetch(
        """
        SELECT s.id AS story_id,
               (SELECT finished_at IS NULL FROM progress p WHERE p.user_id = $1 AND p.story_id = s.id) AS playing,
               coalesce(
                   (SELECT array_agg(ending) FROM endings_found e WHERE e.user_id = $1 AND e.story_id = s.id), '{}'
               ) AS endings
        FROM stories s
        WHERE EXISTS (SELECT 1 FROM progress p WHERE p.user_id = $1 AND p.story_id = s.id)
           OR EXISTS (SELECT 1 FROM endings_found e WHERE e.user_id = $1 AND e.story_id = s.id)
        """,
        user_id,
    )
    return {row["story_id"]: Run("playing" if row["playing"] else "finished", list(row["endings"])) for row in rows}


async def runs(db: Executor, user_id: int) -> list[RunRecord]:
    rows = await db.fetch(
        """
        SELECT p.story_id, s.slug, s.titles, sc.language, v.number AS version, p.revision, p.started_at,
               p.updated_at, p.finished_at IS NOT NULL AS finished, sc.endings
        FROM progress p
        JOIN stories s ON s.id = p.story_id
        JOIN story_scripts sc ON sc.id = p.script_id
        JOIN story_versions v ON v.id = sc.version_id
        WHERE p.user_id = $1
        ORDER BY p.updated_at DESC
        """,
        user_id,
    )
    return [
        RunRecord(
            row["story_id"],
            row["slug"],
            row["titles"],
            row["language"],
            row["version"],
            row["revision"],
            row["started_at"],
            row["updated_at"],
            row["finished"],
            list(row["endings"]),
        )
        for row in rows
    ]


async def all_endings(db: Executor, user_id: int) -> dict[int, list[str]]:
    rows = await db.fetch("SELECT story_id, ending FROM endings_found WHERE user_id = $1", user_id)
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["story_id"], []).append(row["ending"])
    return found


async def erase(db: Executor, user_id: int) -> tuple[list[int], int, int, int]:
    """Delete everything the service keeps about the user; the story ids they had progress in, and counts."""
    row = await db.fetchrow(
        """
        WITH progress_gone AS (DELETE FROM progress WHERE user_id = $1 RETURNING story_id),
             history_gone AS (DELETE FROM interactions WHERE user_id = $1 RETURNING 1),
             endings_gone AS (DELETE FROM endings_found WHERE user_id = $1 RETURNING 1)
        SELECT (SELECT coalesce(array_agg(story_id), '{}') FROM progress_gone) AS stories,
               (SELECT count(*) FROM history_gone) AS interactions,
               (SELECT count(*) FROM endings_gone) AS endings
        """,
        user_id,
    )
    assert row is not None
    stories = list(row["stories"])
    return stories, len(stories), row["interactions"], row["endings"]
