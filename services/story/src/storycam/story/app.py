"""The story service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.story import __version__
from storycam.story.settings import StorySettings

DEFINITION = ServiceDefinition(
    name="story",
    schema="story",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    public_paths=(),
)


def build_app(settings: StorySettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or StorySettings())
