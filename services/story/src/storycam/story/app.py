"""The story service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.story import __version__
from storycam.story.catalogue.endpoints import router as catalogue
from storycam.story.lifespan import story_setup
from storycam.story.play.endpoints import HOT_ROUTES, SELF_INSTRUMENTED
from storycam.story.play.endpoints import router as play
from storycam.story.players.endpoints import router as players
from storycam.story.settings import StorySettings

# Big enough for a commercial-size story in two languages with its pictures; the middleware refuses more.
MAX_UPLOAD_BYTES = 16 * 1024 * 1024


def definition(payments_transport: httpx.AsyncBaseTransport | None = None) -> ServiceDefinition:
    """The service; ``payments_transport`` lets tests reach an in-process payments app."""
    return ServiceDefinition(
        name="story",
        schema="story",
        version=__version__,
        migrations_dir=Path(__file__).parent / "migrations",
        routers=(catalogue, play, players),
        setup=story_setup(payments_transport),
        self_instrumented_paths=(SELF_INSTRUMENTED,),
        hot_routes=HOT_ROUTES,
        max_body_bytes=MAX_UPLOAD_BYTES,
    )


DEFINITION = definition()


def build_app(settings: StorySettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or StorySettings())
