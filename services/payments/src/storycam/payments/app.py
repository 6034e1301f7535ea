"""The payments service's FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.state import ServiceState
from storycam.payments import __version__
from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.settings import PaymentsSettings
from storycam.payments.subscriptions.endpoints import router as subscriptions
from storycam.payments.subscriptions.erasure import erasure_subscription
from storycam.payments.yookassa.client import yookassa_client


@asynccontextmanager
async def payments_setup(app: FastAPI, state: ServiceState) -> AsyncIterator[None]:
    settings = state.settings
    assert isinstance(settings, PaymentsSettings)
    # Read at start-up so a wrong catalogue stops the service at once rather than failing a buyer later.
    app.state.catalogue = load_catalogue(settings.payments_catalogue_path)
    app.state.yookassa = yookassa_client(settings)
    state.consumers.add(erasure_subscription(state))
    try:
        yield
    finally:
        if app.state.yookassa is not None:
            await app.state.yookassa.aclose()


DEFINITION = ServiceDefinition(
    name="payments",
    schema="payments",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(subscriptions,),
    setup=payments_setup,
)


def build_app(settings: PaymentsSettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or PaymentsSettings())
