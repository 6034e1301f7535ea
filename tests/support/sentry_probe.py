"""A service with SENTRY_DSN set that hits a bug once: ``python -m tests.support.sentry_probe``.

Runs in its own process because Sentry's integrations patch FastAPI for the whole process.
"""

from __future__ import annotations

import asyncio

import httpx
import sentry_sdk
from fastapi import APIRouter, FastAPI

from storycam.kit.error_reports import setup_error_reports
from storycam.kit.settings import ServiceSettings


def _app() -> FastAPI:
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("the probe's bug")

    app = FastAPI()
    app.include_router(router)
    return app


async def main() -> None:
    assert setup_error_reports("probe", "0.0.0", ServiceSettings())
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        response = await client.get("/boom", headers={"authorization": "Bearer secret-token-of-a-user"})
        assert response.status_code == 500
    sentry_sdk.flush(timeout=5)


if __name__ == "__main__":
    asyncio.run(main())
