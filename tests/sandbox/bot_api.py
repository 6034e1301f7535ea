"""The test plays the bot: Bot API calls and control-API actions of the simulated people, over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

TOKEN = "123456789:AAE-sandbox_test_token_0123456789ab"


class BotApi:
    """Calls ``/bot<token>/<method>`` with a JSON body (or ``data``/``files`` for forms)."""

    def __init__(self, client: httpx.AsyncClient, token: str = TOKEN) -> None:
        self.client = client
        self.token = token

    async def call(self, method: str, **params: Any) -> httpx.Response:
        return await self.client.post(f"/bot{self.token}/{method}", json=params)

    async def form(self, method: str, data: dict[str, str], files: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(f"/bot{self.token}/{method}", data=data, files=files)

    async def ok(self, method: str, **params: Any) -> Any:
        response = await self.call(method, **params)
        body = response.json()
        assert response.status_code == 200, body
        assert body["ok"] is True, body
        return body["result"]

    async def patiently(self, method: str, data: dict[str, str], files: dict[str, Any] | None = None) -> Any:
        """A form call that, like a well-behaved bot, waits out 429's retry_after and tries again."""
        while True:
            response = await self.form(method, data, files)
            body = response.json()
            if response.status_code != 429:
                assert body["ok"] is True, body
                return body["result"]
            await asyncio.sleep(body["parameters"]["retry_after"])


class People:
    """The control API, as the web chat uses it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def ids(self) -> list[int]:
        response = await self.client.get("/sandbox/users")
        return [user["id"] for user in response.json()["users"]]

    async def create(self, first_name: str, language_code: str = "en") -> dict[str, Any]:
        response = await self.client.post(
            "/sandbox/users", json={"first_name": first_name, "language_code": language_code}
        )
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()
        return user

    async def say(self, user_id: int, text: str) -> dict[str, Any]:
        response = await self.client.post(f"/sandbox/users/{user_id}/messages", json={"text": text})
        assert response.status_code == 201, response.text
        message: dict[str, Any] = response.json()
        return message

    async def transcript(self, user_id: int) -> dict[str, Any]:
        response = await self.client.get(f"/sandbox/users/{user_id}/chat")
        assert response.status_code == 200, response.text
        chat: dict[str, Any] = response.json()
        return chat
