"""HTTP for playing a story. Every answer is a StoryReply; the rules live in the service.

These four routes are the service's hot path: well-formed requests are answered by :data:`HOT_ROUTES` (see
:mod:`storycam.kit.hot`: one span, one histogram, no framework routing or re-validation). The FastAPI routes
below are the documented contract and answer what the hot routes pass on: malformed bodies and out-of-range
path parameters, with the canonical validation errors.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from storycam.contracts.stories import SLUG_PATTERN, ChooseChoice, FreeText, StartStory, StoryReply, UndoStep
from storycam.kit.hot import HotRoute
from storycam.story.deps import Player, Slug, StoryServices, UserId

PREFIX = "/internal/v1/users/{user_id}/stories/{slug}"
# Matches both the route templates (for the metrics middleware) and the URLs (for the tracing middleware).
SELF_INSTRUMENTED = r"/internal/v1/users/[^/]+/stories/[^/]+/(start|choices|text|undo)$"
MAX_USER_ID = 2**63 - 1

router = APIRouter(prefix=PREFIX, tags=["play"])


@router.post("/start")
async def start(user_id: UserId, slug: Slug, request: StartStory, player: Player) -> StoryReply:
    return await player.start(user_id, slug, request)


@router.post("/choices")
async def choose(user_id: UserId, slug: Slug, request: ChooseChoice, player: Player) -> StoryReply:
    return await player.choose(user_id, slug, request)


@router.post("/text")
async def say(user_id: UserId, slug: Slug, request: FreeText, player: Player) -> StoryReply:
    return await player.say(user_id, slug, request.text)


@router.post("/undo")
async def undo(user_id: UserId, slug: Slug, request: UndoStep, player: Player) -> StoryReply:
    return await player.undo(user_id, slug, request)


# --- the same four, hot ---------------------------------------------------------------------------------------

_SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")


def _hot(
    action: str, body: type[BaseModel], play: Callable[[StoryServices, int, str, Any], Awaitable[StoryReply]]
) -> HotRoute:
    def handler(app: Any, params: dict[str, str], request: Any) -> Awaitable[StoryReply] | None:
        user_id = int(params["user_id"])
        if user_id > MAX_USER_ID:
            return None  # the FastAPI route answers it: 422, as for any parameter out of range
        services: StoryServices = app.state.story
        return play(services, user_id, params["slug"], request)

    return HotRoute(
        method="POST",
        path=re.compile(rf"/internal/v1/users/(?P<user_id>[1-9][0-9]{{0,18}})/stories/(?P<slug>{_SLUG})/{action}"),
        template=f"{PREFIX}/{action}",
        body=body,
        handler=handler,
        span_attributes={"slug": "story.slug"},
    )


HOT_ROUTES = (
    _hot("start", StartStory, lambda s, user_id, slug, request: s.player.start(user_id, slug, request)),
    _hot("choices", ChooseChoice, lambda s, user_id, slug, request: s.player.choose(user_id, slug, request)),
    _hot("text", FreeText, lambda s, user_id, slug, request: s.player.say(user_id, slug, request.text)),
    _hot("undo", UndoStep, lambda s, user_id, slug, request: s.player.undo(user_id, slug, request)),
)
