"""The media service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.media import __version__
from storycam.media.jobs.endpoints import router as kisscam
from storycam.media.lifespan import media_setup
from storycam.media.providers.registry import Providers
from storycam.media.runtime import MakeProviders
from storycam.media.settings import MediaSettings


def definition(
    payments_transport: httpx.AsyncBaseTransport | None = None,
    make_providers: MakeProviders = Providers.from_settings,
) -> ServiceDefinition:
    """The service; tests may hand in an in-process payments app and their own providers."""
    return ServiceDefinition(
        name="media",
        schema="media",
        version=__version__,
        migrations_dir=Path(__file__).parent / "migrations",
        routers=(kisscam,),
        setup=media_setup(payments_transport, make_providers),
    )


DEFINITION = definition()


def build_app(settings: MediaSettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or MediaSettings())
