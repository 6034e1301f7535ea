"""The media service's lifespan work: its runtime (storage, providers, payments), its job workers and sweeper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from storycam.kit.app import ServiceSetup, instance_id
from storycam.kit.state import ServiceState
from storycam.media.jobs.erasure import kisscam_erasure
from storycam.media.providers.registry import Providers
from storycam.media.runtime import MakeProviders, MediaRuntime
from storycam.media.settings import MediaSettings


def media_setup(
    payments_transport: httpx.AsyncBaseTransport | None = None,
    make_providers: MakeProviders = Providers.from_settings,
) -> ServiceSetup:
    @asynccontextmanager
    async def setup(app: FastAPI, state: ServiceState) -> AsyncIterator[None]:
        settings = state.settings
        assert isinstance(settings, MediaSettings)
        runtime = MediaRuntime.build(
            settings,
            state.db,
            state.redis,
            state.outbox,
            instance=instance_id(),
            workers=settings.kisscam_workers,
            payments_transport=payments_transport,
            make_providers=make_providers,
        )
        app.state.media = runtime
        state.consumers.add(kisscam_erasure(state, runtime.storage))
        runtime.start(sweep=True)
        try:
            yield
        finally:
            await runtime.stop()

    return setup
