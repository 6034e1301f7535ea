"""SQL for progress, the interaction history and endings found, and nothing else.

Every write of a step is one statement (data-modifying CTEs): the progress moves only from the revision the
step was computed on, and the history line and the ending go in with it or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg

from storycam.kit.db import Executor
from storycam.story.play.progress import Interaction, Progress, Talk
from storycam.story.play.scene import Scene

_INTERACTION_COLUMNS = (
    "user_id, story_id, version, language, revision, action, choice_index, choice_text, input_text, reading, shown"
)


UndoPoint = Literal["push", "keep", "clear"]


@dataclass(frozen=True)
class Saved:
    revision: int
    new_ending: bool


def _interaction_args(interaction: Interaction) -> tuple[Any, ...]:
    return (
        interaction.version,
        interaction.language,
        interaction.action,
        interaction.choice_index,
        interaction.choice_text,
        interaction.input_text,
        interaction.reading,
        interaction.shown_json(),
    )


def _progress(user_id: int, story_id: int, row: asyncpg.Record) -> Progress:
    talk = row["talk"]
    return Progress(
        user_id=user_id,
        story_id=story_id,
        script_id=row["script_id"],
        revision=row["revision"],
        state=row["state"],
        scene=Scene.from_json(row["scene"]),
        pending_choice=row["pending_choice"],
        talk=Talk.from_dict(json.loads(talk)) if talk else None,
        finished=row["finished"],
        can_undo=row["can_undo"],
    )


_LOAD = """
    SELECT script_id, revision, state, scene, pending_choice,
           conversation::text AS talk, finished_at IS NOT NULL AS finished, previous_state IS NOT NULL AS can_undo
    FROM progress WHERE user_id = $1 AND story_id = $2
"""


async def load(db: Executor, user_id: int, story_id: int) -> Progress | None:
    row = await db.fetchrow(_LOAD, user_id, story_id)
    return _progress(user_id, story_id, row) if row else None


async def begin(db: Executor, progress: Progress, interaction: Interaction) -> int:
    """A new run of the story (the first, or again from the start); the revision keeps counting up."""
    revision: int = await db.fetchval(
        f"""
        WITH started AS (
            INSERT INTO progress (user_id, story_id, script_id, revision, state, scene)
            VALUES ($1, $2, $3, 1, $4::text, $5::text)
            ON CONFLICT (user_id, story_id) DO UPDATE SET
                script_id = EXCLUDED.script_id, revision = progress.revision + 1, state = EXCLUDED.state,
                scene = EXCLUDED.scene, previous_state = NULL, previous_scene = NULL, pending_choice = NULL,
                conversation = NULL, started_at = now(), updated_at = now(), finished_at = NULL
            RETURNING user_id, story_id, revision
        ), logged AS (
            INSERT INTO interactions ({_INTERACTION_COLUMNS})
            SELECT user_id, story_id, $6, $7, revision, $8, $9, $10, $11, $12, $13::text::jsonb FROM started
        )
        SELECT revision FROM started
        """,  # noqa: S608 - constant column list
        progress.user_id,
        progress.story_id,
        progress.script_id,
        progress.state,
        progress.scene.to_json(),
        *_interaction_args(interaction),
    )
    return revision


async def save(
    db: Executor,
    before: Progress,
    after: Progress,
    interaction: Interaction,
    *,
    undo_point: UndoPoint,
    ending: str | None = None,
) -> Saved | None:
    """Write ``after`` if the progress is still at ``before.revision``; None when another step got there first.

    ``undo_point``: "push" when the story advanced (the state before is where undo returns), "keep" when it did
    not, "clear" when the old state no longer fits (the run moved to another version).
    """
    row = await db.fetchrow(
        f"""
        WITH moved AS (
            UPDATE progress SET
                previous_state = CASE $4::text WHEN 'push' THEN state WHEN 'keep' THEN previous_state END,
                previous_scene = CASE $4::text WHEN 'push' THEN scene WHEN 'keep' THEN previous_scene END,
                script_id = $5, state = $6::text, scene = $7::text, pending_choice = $8,
                conversation = $9::text::jsonb, revision = revision + 1, updated_at = now(),
                finished_at = CASE WHEN $10 THEN coalesce(finished_at, now()) END
            WHERE user_id = $1 AND story_id = $2 AND revision = $3
            RETURNING user_id, story_id, revision
        ), logged AS (
            INSERT INTO interactions ({_INTERACTION_COLUMNS})
            SELECT user_id, story_id, $12, $13, revision, $14, $15, $16, $17, $18, $19::text::jsonb FROM moved
        ), found AS (
            INSERT INTO endings_found (user_id, story_id, ending)
            SELECT user_id, story_id, $11::text FROM moved WHERE $11::text IS NOT NULL
            ON CONFLICT DO NOTHING
            RETURNING ending
        )
        SELECT (SELECT revision FROM moved) AS revision, EXISTS (SELECT 1 FROM found) AS new_ending
        """,  # noqa: S608 - constant column list
        before.user_id,
        before.story_id,
        before.revision,
        undo_point,
        after.script_id,
        after.state,
        after.scene.to_json(),
        after.pending_choice,
        json.dumps(after.talk.to_dict(), ensure_ascii=False) if after.talk else None,
        after.finished,
        ending,
        *_interaction_args(interaction),
    )
    if row is None or row["revision"] is None:
        return None
    return Saved(row["revision"], row["new_ending"])


async def undo(db: Executor, before: Progress, interaction: Interaction) -> Progress | None:
    """Back to the state before the last step, if there is one and nobody moved meanwhile."""
    row = await db.fetchrow(
        f"""
        WITH undone AS (
            UPDATE progress SET state = previous_state, scene = previous_scene, previous_state = NULL,
                previous_scene = NULL, pending_choice = NULL, conversation = NULL, revision = revision + 1,
                updated_at = now(), finished_at = NULL
            WHERE user_id = $1 AND story_id = $2 AND revision = $3 AND previous_state IS NOT NULL
            RETURNING user_id, story_id, script_id, revision, state, scene
        ), logged AS (
            INSERT INTO interactions ({_INTERACTION_COLUMNS})
            SELECT user_id, story_id, $4, $5, revision, $6, $7, $8, $9, $10, $11::text::jsonb FROM undone
        )
        SELECT script_id, revision, state, scene, NULL::integer AS pending_choice,
               NULL::text AS talk, false AS finished, false AS can_undo
        FROM undone
        """,  # noqa: S608 - constant column list
        before.user_id,
        before.story_id,
        before.revision,
        *_interaction_args(interaction),
    )
    return _progress(before.user_id, before.story_id, row) if row else None


async def record(db: Executor, user_id: int, story_id: int, revision: int, interaction: Interaction) -> None:
    """A history line for something that did not move the story (free text nobody understood, a paywall)."""
    await db.execute(
        f"""
        INSERT INTO interactions ({_INTERACTION_COLUMNS})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb)
        """,  # noqa: S608 - constant column list
        user_id,
        story_id,
        interaction.version,
        interaction.language,
        revision,
        *_interaction_args(interaction)[2:],
    )


async def endings_found(db: Executor, user_id: int, story_id: int) -> list[str]:
    rows = await db.fetch(
        "SELECT ending FROM endings_found WHERE user_id = $1 AND story_id = $2 ORDER BY found_at", user_id, story_id
    )
    return [row["ending"] for row in rows]
