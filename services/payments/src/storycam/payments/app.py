"""The payments service's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.payments import __version__
from storycam.payments.settings import PaymentsSettings

DEFINITION = ServiceDefinition(
    name="payments",
    schema="payments",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(),
    public_paths=("/webhooks/yookassa",),
)


def build_app(settings: PaymentsSettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or PaymentsSettings())
