"""HTTP for playing a story. Every answer is a StoryReply; the rules live in the service.

These four routes are the service's hot path, so they trace and measure themselves: one server span (continuing
the caller's trace) and one histogram per request, instead of the generic middleware's three spans and metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import Histogram

from storycam.contracts.stories import ChooseChoice, FreeText, StartStory, StoryReply, UndoStep
from storycam.story.deps import Player, Slug, UserId

PREFIX = "/internal/v1/users/{user_id}/stories/{slug}"
# Matches both the route templates (for the metrics middleware) and the URLs (for the tracing middleware).
SELF_INSTRUMENTED = r"/internal/v1/users/[^/]+/stories/[^/]+/(start|choices|text|undo)$"

router = APIRouter(prefix=PREFIX, tags=["play"])
tracer = trace.get_tracer("storycam.story.play")
ANSWER_SECONDS = Histogram(
    "storycam_story_answer_seconds",
    "Time to answer a play request, by what the player did",
    ["action"],
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)


@contextmanager
def _measured(action: str, http: Request, slug: str) -> Iterator[None]:
    with (
        ANSWER_SECONDS.labels(action).time(),
        tracer.start_as_current_span(
            f"POST {PREFIX}/{action}", context=propagate.extract(http.headers), kind=SpanKind.SERVER
        ) as span,
    ):
        span.set_attribute("http.route", f"{PREFIX}/{action}")
        span.set_attribute("story.slug", slug)
        yield


@router.post("/start")
async def start(user_id: UserId, slug: Slug, request: StartStory, player: Player, http: Request) -> StoryReply:
    with _measured("start", http, slug):
        return await player.start(user_id, slug, request)


@router.post("/choices")
async def choose(user_id: UserId, slug: Slug, request: ChooseChoice, player: Player, http: Request) -> StoryReply:
    with _measured("choices", http, slug):
        return await player.choose(user_id, slug, request)


@router.post("/text")
async def say(user_id: UserId, slug: Slug, request: FreeText, player: Player, http: Request) -> StoryReply:
    with _measured("text", http, slug):
        return await player.say(user_id, slug, request.text)


@router.post("/undo")
async def undo(user_id: UserId, slug: Slug, request: UndoStep, player: Player, http: Request) -> StoryReply:
    with _measured("undo", http, slug):
        return await player.undo(user_id, slug, request)
