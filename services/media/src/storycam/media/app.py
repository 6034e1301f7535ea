"""The media service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.media import __version__
from storycam.media.settings import MediaSettings

DEFINITION = ServiceDefinition(
    name="media",
    schema="media",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
)


def build_app(settings: MediaSettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or MediaSettings())
