"""What the story service's routes receive from its lifespan, as short ``Annotated`` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from storycam.contracts.stories import SLUG_PATTERN
from storycam.story.catalogue.library import ScriptLibrary
from storycam.story.ink.compiler import InkCompiler
from storycam.story.play.service import StoryPlayer
from storycam.story.play.store import ProgressStore
from storycam.story.premium.entitlements import PaymentsEntitlements
from storycam.story.settings import StorySettings


@dataclass(frozen=True)
class StoryServices:
    player: StoryPlayer
    library: ScriptLibrary
    store: ProgressStore
    entitlements: PaymentsEntitlements
    compiler: InkCompiler
    settings: StorySettings


# ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, a hop that costs more than the lookup.
async def get_services(request: Request) -> StoryServices:
    services: StoryServices = request.app.state.story
    return services


async def get_player(request: Request) -> StoryPlayer:
    services: StoryServices = request.app.state.story
    return services.player


Services = Annotated[StoryServices, Depends(get_services)]
Player = Annotated[StoryPlayer, Depends(get_player)]
UserId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Telegram user id")]
Slug = Annotated[str, Path(pattern=SLUG_PATTERN)]
