"""A webhook receiver: a tiny real HTTP app that records what the emulator POSTs to it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Update = dict[str, Any]


class WebhookReceiver:
    def __init__(self, on_update: Callable[[Update], Awaitable[None]] | None = None) -> None:
        self.updates: list[Update] = []
        self.secrets: list[str | None] = []
        self.failures_left = 0  # answer 500 to this many deliveries first
        self.failed: list[Update] = []
        self.reply: Update | None = None  # a Bot API call to answer with, as a webhook may
        self._on_update = on_update
        self._changed = asyncio.Event()
        self.app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> Response:
        update = await request.json()
        if self.failures_left > 0:
            self.failures_left -= 1
            self.failed.append(update)
            return JSONResponse({"error": "try again"}, status_code=500)
        self.updates.append(update)
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if self._on_update is not None:
            await self._on_update(update)
        self._changed.set()
        return JSONResponse(self.reply) if self.reply is not None else Response(status_code=200)

    async def wait_for(self, count: int, within: float = 10.0) -> list[Update]:
        """The first ``count`` updates received, waiting up to ``within`` seconds for them."""
        async with asyncio.timeout(within):
            while len(self.updates) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.updates[:count]


class NotificationReceiver:
    """A shop's webhook for the payment emulators: records each notification (JSON or form) and the address it
    came from; answers 500 to the first ``failures_left`` and ``status`` after that."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.peers: list[str | None] = []
        self.refused = 0
        self.failures_left = 0
        self._changed = asyncio.Event()
        self.app = Starlette(routes=[Route("/notify", self._notify, methods=["POST"])])

    async def _notify(self, request: Request) -> Response:
        if self.failures_left > 0:
            self.failures_left -= 1
            self.refused += 1
            self._changed.set()
            return JSONResponse({"error": "not now"}, status_code=500)
        if request.headers.get("content-type", "").startswith("application/json"):
            self.received.append(await request.json())
        else:
            self.received.append(dict(await request.form()))
        self.peers.append(request.client.host if request.client else None)
        self._changed.set()
        return Response(status_code=200)

    async def wait_for(self, count: int, within: float = 10.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(within):
            while len(self.received) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.received[:count]
