"""HTTP for players: their progress and stats, and erasing their data."""

from __future__ import annotations

from fastapi import APIRouter

from storycam.contracts.stories import ErasedStoryData, PlayerProgress
from storycam.kit.deps import Db, Work
from storycam.story.deps import Services, UserId
from storycam.story.players import service

router = APIRouter(prefix="/internal/v1/users/{user_id}", tags=["players"])


@router.get("/progress")
async def progress(user_id: UserId, db: Db) -> PlayerProgress:
    return await service.progress(db, user_id)


@router.delete("")
async def erase(user_id: UserId, work: Work, services: Services) -> ErasedStoryData:
    return await service.erase(work, services.store, services.entitlements, user_id)
