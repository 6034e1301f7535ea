"""The gateway service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from storycam.gateway import __version__
from storycam.gateway.settings import GatewaySettings
from storycam.kit.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="gateway",
    schema="gateway",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    public_paths=("/telegram/webhook",),
)


def build_app(settings: GatewaySettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or GatewaySettings())
