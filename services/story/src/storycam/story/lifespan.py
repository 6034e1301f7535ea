"""The story service's own resources, made by the lifespan: the LLM, the payments client, the script library,
the player, the erasure consumer and the seeding of bundled stories."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from storycam.kit.app import ServiceSetup
from storycam.kit.http import service_client
from storycam.kit.state import ServiceState
from storycam.kit.tasks import cancel_and_wait
from storycam.story.catalogue.bundled import BundledStories
from storycam.story.catalogue.library import STORY_SECONDS, ScriptLibrary
from storycam.story.deps import StoryServices
from storycam.story.freetext.llm import StoryLlm
from storycam.story.freetext.reader import FreeTextReader
from storycam.story.ink.compiler import InkCompiler
from storycam.story.play.service import StoryPlayer
from storycam.story.play.store import ProgressStore
from storycam.story.players.erasure import erasure_subscription
from storycam.story.premium.entitlements import PaymentsEntitlements
from storycam.story.settings import StorySettings

PAYMENTS_TIMEOUT_SECONDS = 2.0  # a premium check must not hold a story step for long


def payments_client(settings: StorySettings, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    # Tests hand in the payments app itself (an ASGI transport); the signing is the same.
    return service_client(
        settings.payments_url, settings, caller="story", timeout=PAYMENTS_TIMEOUT_SECONDS, transport=transport
    )


def story_setup(payments_transport: httpx.AsyncBaseTransport | None = None) -> ServiceSetup:
    @asynccontextmanager
    async def setup(app: FastAPI, state: ServiceState) -> AsyncIterator[None]:
        settings = state.settings
        assert isinstance(settings, StorySettings)
        llm = StoryLlm.from_settings(settings)
        payments = payments_client(settings, payments_transport)
        library = ScriptLibrary(state.db, refresh_seconds=0.0 if settings.story_live_reload else STORY_SECONDS)
        store = ProgressStore(state.db, state.redis)
        entitlements = PaymentsEntitlements(payments, state.redis)
        player = StoryPlayer(
            state.db,
            library,
            store,
            FreeTextReader(llm, state.redis),
            llm,
            entitlements,
            live_reload=settings.story_live_reload,
        )
        compiler = InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir)
        app.state.story = StoryServices(player, library, store, entitlements, compiler, settings)
        state.consumers.add(erasure_subscription(state, store, entitlements))
        bundled = BundledStories(state.db)
        state.readiness_checks["bundled_stories"] = bundled.ready
        seeding = asyncio.create_task(bundled.run(), name="bundled-stories")
        try:
            yield
        finally:
            await cancel_and_wait(seeding)
            await payments.aclose()
            await llm.aclose()

    return setup
