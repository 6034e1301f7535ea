"""The gateway and the Telegram emulator, both served over real HTTP in the test's event loop.

The emulator delivers updates to the gateway's webhook exactly as Telegram does; the gateway's bot calls the
emulator's Bot API. Tests act as the people in the chat through the emulator's control API.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from storycam.gateway.registration import register
from storycam.gateway.settings import SANDBOX_BOT_TOKEN, GatewaySettings
from storycam.kit.service_auth import ServiceAuth
from storycam.sandbox.app import create_emulator
from storycam.sandbox.config import SandboxConfig, YooKassaConfig
from tests.gateway.support import updates_settled
from tests.support.services import BY_NAME, TEST_SECRET, build, make_settings


class Listener:
    """A port of our own from the moment it is chosen: bound now and kept until the app serves on it, so another
    process's connection cannot take the port in between (a free port looked up and closed could be)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def served(app: FastAPI, listener: Listener) -> AsyncIterator[FastAPI]:
    server = uvicorn.Server(
        # A short graceful shutdown: a browser keeps an event stream open that would otherwise hold it up.
        uvicorn.Config(app, log_config=None, lifespan="on", timeout_graceful_shutdown=2)
    )
    task = asyncio.create_task(server.serve(sockets=[listener.socket]))
    async with asyncio.timeout(20):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    try:
        yield app
    finally:
        server.should_exit = True
        await task
        listener.socket.close()


async def _wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(30):
        while (await client.get(url)).status_code != 200:
            await asyncio.sleep(0.1)


# Commands whose answer is fixed (in either language), to send as a sentinel; see ``Platform.settle``.
SENTINEL_ANSWERS: dict[str, tuple[str, ...]] = {
    "/help": ("What I can do", "Что я умею"),
    "/privacy": ("What data I keep", "Какие данные я храню"),
}


def words(message: dict[str, Any]) -> str:
    """What a message says: its text, or the caption under its picture."""
    return str(message.get("text") or message.get("caption") or "")


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: text -> callback data, in order."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


@dataclass
class Platform:
    control: httpx.AsyncClient  # the emulator's control API (/sandbox/...)
    gateway: FastAPI
    settings: GatewaySettings
    payments: httpx.AsyncClient  # the payments service, signed as support would call it
    gateway_url: str
    alice: int  # English-speaking person
    masha: int  # Russian-speaking person

    async def say(self, user_id: int, text: str) -> dict[str, Any]:
        response = await self.control.post(f"/sandbox/users/{user_id}/messages", json={"text": text})
        response.raise_for_status()
        message: dict[str, Any] = response.json()
        return message

    async def tap(self, user_id: int, message_id: int, data: str) -> str:
        response = await self.control.post(
            f"/sandbox/users/{user_id}/callbacks", json={"message_id": message_id, "data": data}
        )
        response.raise_for_status()
        query_id: str = response.json()["callback_query_id"]
        return query_id

    async def messages(self, user_id: int) -> list[dict[str, Any]]:
        response = await self.control.get(f"/sandbox/users/{user_id}/chat")
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    async def bot_messages(self, user_id: int) -> list[dict[str, Any]]:
        return [m for m in await self.messages(user_id) if m["from"].get("is_bot")]

    async def settle(self, user_id: int, sentinel: str = "/help") -> list[dict[str, Any]]:
        """Everything the bot has said to this person so far, certain to be complete.

        The updates of one chat are handled in order, so once the bot answered a ``sentinel`` command sent now,
        it has finished with everything the person sent before it. Returned: the bot's messages without that
        answer. The sentinel must not be what the test is counting (a late copy could pass for its answer).
        """
        asked = await self.say(user_id, sentinel)
        prefixes = SENTINEL_ANSWERS[sentinel]

        def is_answer(message: dict[str, Any]) -> bool:
            return bool(message["message_id"] > asked["message_id"]) and str(message.get("text")).startswith(prefixes)

        [answer, *_] = await self.wait_for_bot(user_id, 1, where=is_answer)
        return [m for m in await self.bot_messages(user_id) if m["message_id"] != answer["message_id"]]

    async def answer(self, user_id: int, text: str, sentinel: str = "/help") -> list[dict[str, Any]]:
        """Say ``text`` and return the bot's whole answer to it: all it said from then up to the sentinel's answer."""
        said = await self.say(user_id, text)
        return [m for m in await self.settle(user_id, sentinel) if m["message_id"] > said["message_id"]]

    async def handled_everything(self, redis: Redis) -> bool:
        """Telegram delivered every update to the webhook (which journals before it answers), and the workers
        handled every journaled one: whatever the bot was going to answer so far, it has answered."""
        delivered = (await self.gateway.state.bot.get_webhook_info()).pending_update_count == 0
        return delivered and await updates_settled(redis)

    async def metric(self, name: str) -> float:
        """A sample from the gateway's own /metrics, as Prometheus scrapes it."""
        async with httpx.AsyncClient() as client:
            exposed = (await client.get(f"{self.gateway_url}/metrics")).text
        return next(
            sample.value
            for family in text_string_to_metric_families(exposed)
            for sample in family.samples
            if sample.name == name
        )

    async def wait_for_bot(
        self, user_id: int, count: int, seconds: float = 15.0, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> list[dict[str, Any]]:
        async with asyncio.timeout(seconds):
            while True:
                found = [m for m in await self.bot_messages(user_id) if where is None or where(m)]
                if len(found) >= count:
                    return found
                await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def live_platform(
    database_url: str,
    redis_url: str,
    *,
    polling: bool = False,
    story_overrides: dict[str, Any] | None = None,
    card_payments: bool = False,
    payments_settings: dict[str, Any] | None = None,
    **gateway_overrides: Any,
) -> AsyncIterator[Platform]:
    """With ``polling``, the gateway has a token and no public URL: it polls getUpdates instead of a webhook.
    ``story_overrides`` are settings of the story service, ``payments_settings`` of payments. With
    ``card_payments``, payments sells by card through the emulator's YooKassa, which notifies payments' webhook from
    127.0.0.1 (as ``make dev`` wires them)."""
    emulator, gateway_at, payments_at, story_at = Listener(), Listener(), Listener(), Listener()
    emulator_port, gateway_port, payments_port, story_port = (
        emulator.port,
        gateway_at.port,
        payments_at.port,
        story_at.port,
    )
    shop = YooKassaConfig(
        webhook_url=f"http://127.0.0.1:{payments_port}/webhooks/yookassa" if card_payments else None,
        source_address="127.0.0.1" if card_payments else None,
    )
    payments_overrides: dict[str, Any] = (
        {
            "payment_providers": "stars,yookassa",
            "yookassa_api_base": f"http://127.0.0.1:{emulator_port}/yookassa/v3",
            "yookassa_shop_id": shop.shop_id,
            "yookassa_secret_key": shop.secret_key,
            "yookassa_notification_networks": "127.0.0.1/32",
            "payment_return_url": f"http://127.0.0.1:{emulator_port}/",
        }
        if card_payments
        else {}
    ) | (payments_settings or {})
    overrides: dict[str, Any] = {
        "telegram_api_base": f"http://127.0.0.1:{emulator_port}",
        "public_base_url": None if polling else f"http://127.0.0.1:{gateway_port}",
        **({"telegram_bot_token": SANDBOX_BOT_TOKEN} if polling else {}),
        "payments_url": f"http://127.0.0.1:{payments_port}",
        "story_url": f"http://127.0.0.1:{story_port}",
        **gateway_overrides,
    }
    settings = make_settings(BY_NAME["gateway"], database_url, redis_url, **overrides)
    assert isinstance(settings, GatewaySettings)
    # The emulator's people have the same ids in every test: start each test with none of them known. Purchases
    # too: a fresh emulator numbers messages from 1 again, and a purchase is keyed by its offer message, so an
    # earlier test's purchase would answer "already paid" to the same tap.
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "TRUNCATE gateway.users, payments.subscriptions, payments.purchases, story.progress, story.interactions,"
            " story.endings_found CASCADE"
        )
    finally:
        await connection.close()
    async with (
        served(create_emulator(SANDBOX_BOT_TOKEN, config=SandboxConfig(yookassa=shop)), emulator),
        served(build(BY_NAME["payments"], database_url, redis_url, **payments_overrides), payments_at),
        served(
            build(
                BY_NAME["story"],
                database_url,
                redis_url,
                payments_url=f"http://127.0.0.1:{payments_port}",
                **(story_overrides or {}),
            ),
            story_at,
        ),
        served(build(BY_NAME["gateway"], database_url, redis_url, **overrides), gateway_at) as gateway,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator_port}", timeout=15) as control,
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{payments_port}", auth=ServiceAuth(TEST_SECRET, "support"), timeout=15
        ) as payments,
    ):
        assert await register(settings) == 0
        await _wait_ready(f"http://127.0.0.1:{story_port}/readyz")  # ready once its bundled stories are stored
        people = {u["first_name"]: u["id"] for u in (await control.get("/sandbox/users")).json()["users"]}
        yield Platform(
            control,
            gateway,
            settings,
            payments,
            f"http://127.0.0.1:{gateway_port}",
            alice=people["Alice"],
            masha=people["Маша"],
        )
