"""``create_emulator``: the Telegram Bot API emulator with its control API and web chat, as one FastAPI app."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from storycam.sandbox.botapi.dispatch import perform_webhook_reply
from storycam.sandbox.botapi.endpoints import router as botapi_router
from storycam.sandbox.config import SandboxConfig
from storycam.sandbox.control.endpoints import router as control_router
from storycam.sandbox.telegram.flood import Clock
from storycam.sandbox.telegram.people import DEFAULT_PEOPLE, NewPerson
from storycam.sandbox.telegram.refusals import Refused
from storycam.sandbox.telegram.world import Sandbox
from storycam.sandbox.web.endpoints import router as web_router
from storycam.sandbox.web.endpoints import static_files


async def _render_refusal(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Refused)
    return JSONResponse({"error": error.code, "detail": error.detail}, status_code=error.status_code)


def create_emulator(
    token: str | None = None,
    *,
    config: SandboxConfig | None = None,
    people: Sequence[NewPerson] = DEFAULT_PEOPLE,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """The emulator. With ``token`` only that bot exists (other tokens get 401); without one, any token of
    Telegram's shape opens a bot of its own, and the first is the one the web chat shows."""
    sandbox = Sandbox(
        config or SandboxConfig(), token=token, people=people, clock=clock, reply_performer=perform_webhook_reply
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        try:
            yield
        finally:
            await sandbox.stop()

    app = FastAPI(
        title="Storycam sandbox: Telegram Bot API emulator",
        lifespan=lifespan,
        docs_url="/sandbox/docs",
        redoc_url=None,
        openapi_url="/sandbox/openapi.json",
    )
    app.state.sandbox = sandbox
    app.add_exception_handler(Refused, _render_refusal)
    app.include_router(botapi_router)
    app.include_router(control_router)
    app.include_router(web_router)
    app.mount("/static", static_files(), name="static")
    return app
