"""``create_emulator``: the Telegram Bot API emulator with its control API and web chat, and the YooKassa and
YooMoney emulators beside it, as one FastAPI app."""

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
from storycam.sandbox.yookassa.api import router as yookassa_router
from storycam.sandbox.yookassa.checkout import router as checkout_router
from storycam.sandbox.yookassa.control import router as yookassa_control_router
from storycam.sandbox.yookassa.errors import YooKassaApiError, render_yookassa_error
from storycam.sandbox.yookassa.shop import YooKassaShop
from storycam.sandbox.yoomoney.control import router as yoomoney_control_router
from storycam.sandbox.yoomoney.quickpay import router as quickpay_router
from storycam.sandbox.yoomoney.wallet import YooMoneyWallet


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
    config = config or SandboxConfig()
    sandbox = Sandbox(config, token=token, people=people, clock=clock, reply_performer=perform_webhook_reply)
    shop = YooKassaShop(config.yookassa)
    wallet = YooMoneyWallet(config.yoomoney)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        await shop.notifier.start()
        await wallet.notifier.start()
        try:
            yield
        finally:
            await wallet.notifier.stop()
            await shop.notifier.stop()
            await sandbox.stop()

    app = FastAPI(
        title="Storycam sandbox: Telegram Bot API, YooKassa and YooMoney emulators",
        lifespan=lifespan,
        docs_url="/sandbox/docs",
        redoc_url=None,
        openapi_url="/sandbox/openapi.json",
    )
    app.state.sandbox = sandbox
    app.state.yookassa = shop
    app.state.yoomoney = wallet
    app.add_exception_handler(Refused, _render_refusal)
    app.add_exception_handler(YooKassaApiError, render_yookassa_error)
    app.include_router(botapi_router)
    app.include_router(control_router)
    app.include_router(yookassa_router)
    app.include_router(checkout_router)
    app.include_router(yookassa_control_router)
    app.include_router(quickpay_router)
    app.include_router(yoomoney_control_router)
    app.include_router(web_router)
    app.mount("/static", static_files(), name="static")
    return app
