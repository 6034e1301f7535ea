"""A player's progress and stats across stories, and erasing everything the service holds about them."""

from __future__ import annotations

from typing import cast

import asyncpg

from storycam.contracts.stories import ErasedStoryData, Language, PlayerProgress, StoryProgress
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.story.play.store import ProgressStore
from storycam.story.players import repository
from storycam.story.premium.entitlements import PaymentsEntitlements

log = get_logger(__name__)


async def progress(db: asyncpg.Pool, user_id: int) -> PlayerProgress:
    runs = await repository.runs(db, user_id)
    found = await repository.all_endings(db, user_id)
    stories = [
        StoryProgress(
            story=run.slug,
            title=run.titles.get(run.language) or next(iter(run.titles.values()), run.slug),
            language=cast(Language, run.language),
            status="finished" if run.finished else "playing",
            revision=run.revision,
            version=run.version,
            started_at=run.started_at,
            updated_at=run.updated_at,
            endings_found=sorted(set(found.get(run.story_id, [])) & set(run.endings_total)),
            endings_total=len(run.endings_total),
        )
        for run in runs
    ]
    current = next((item.story for item in stories if item.status == "playing"), None)
    return PlayerProgress(
        user_id=user_id,
        current=current,
        stories=stories,
        stories_finished=sum(1 for endings in found.values() if endings),
        endings_found=sum(len(endings) for endings in found.values()),
    )


async def runs_by_story(db: asyncpg.Pool, user_id: int) -> dict[int, repository.Run]:
    """The user's run of each story they played, by story id (for the catalogue's "playing"/"finished")."""
    return await repository.runs_of(db, user_id)


async def erase(
    work: UnitOfWork, store: ProgressStore, entitlements: PaymentsEntitlements, user_id: int
) -> ErasedStoryData:
    """Everything this service holds about the user; idempotent (a second erasure finds nothing)."""
    stories, progress_rows, interactions, endings = await repository.erase(await work.connection(), user_id)
    # The cached copies go once the rows are gone for good; a rollback leaves both as they were.
    work.after_commit(lambda: store.forget(user_id, stories))
    work.after_commit(lambda: entitlements.forget(user_id))
    log.info("player.erased", progress=progress_rows, interactions=interactions, endings=endings)
    return ErasedStoryData(user_id=user_id, progress=progress_rows, interactions=interactions, endings=endings)
