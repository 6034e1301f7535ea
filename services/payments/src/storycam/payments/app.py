"""The payments service's FastAPI app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.state import ServiceState
from storycam.kit.tasks import stop_tasks
from storycam.payments import __version__
from storycam.payments.account.endpoints import router as account
from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.charges.endpoints import router as charges
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.checkouts.endpoints import router as checkouts
from storycam.payments.context import PaymentsContext
from storycam.payments.jobs import periodic_jobs
from storycam.payments.periodic import PeriodicJob
from storycam.payments.reconcile import reconcile_pending
from storycam.payments.sealing import Sealer
from storycam.payments.settings import PaymentsSettings
from storycam.payments.stars.endpoints import router as stars
from storycam.payments.subscriptions.endpoints import router as subscriptions
from storycam.payments.subscriptions.erasure import erasure_subscription
from storycam.payments.webhooks import yookassa as yookassa_webhook
from storycam.payments.webhooks import yoomoney as yoomoney_webhook
from storycam.payments.yookassa.client import yookassa_client


@asynccontextmanager
async def payments_setup(app: FastAPI, state: ServiceState) -> AsyncIterator[None]:
    settings = state.settings
    assert isinstance(settings, PaymentsSettings)
    # Read at start-up so a wrong catalogue stops the service at once rather than failing a buyer later.
    app.state.catalogue = load_catalogue(settings.payments_catalogue_path)
    app.state.yookassa = yookassa_client(settings)
    app.state.charge_policy = ChargePolicy.from_settings(settings)
    payments = PaymentsContext(
        settings=settings,
        catalogue=app.state.catalogue,
        yookassa=app.state.yookassa,
        sealer=Sealer.from_settings(settings),
    )
    app.state.payments = payments
    state.consumers.add(erasure_subscription(state, app.state.charge_policy))
    jobs = periodic_jobs(state, settings, app.state.catalogue)
    if payments.yookassa is not None:
        jobs.append(
            PeriodicJob(
                "yookassa-reconciler",
                settings.reconcile_every_seconds,
                lambda: reconcile_pending(state.db, state.outbox, payments),
            )
        )
    tasks = [asyncio.create_task(job.run(), name=job.name) for job in jobs]
    try:
        yield
    finally:
        for job in jobs:
            job.stop()
        await stop_tasks(*tasks, grace=5)
        if app.state.yookassa is not None:
            await app.state.yookassa.aclose()


DEFINITION = ServiceDefinition(
    name="payments",
    schema="payments",
    version=__version__,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(subscriptions, charges, account, checkouts, stars, yookassa_webhook.router, yoomoney_webhook.router),
    public_routes=(yookassa_webhook.PUBLIC_ROUTE, yoomoney_webhook.PUBLIC_ROUTE),
    setup=payments_setup,
)


def build_app(settings: PaymentsSettings | None = None) -> FastAPI:
    return create_app(DEFINITION, settings or PaymentsSettings())
