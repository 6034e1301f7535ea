"""The emulator in-process (httpx over ASGI, lifespan run), with a clock the flood tests move by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from storycam.sandbox import SandboxConfig, create_emulator
from storycam.sandbox.telegram.webhook import RetryPolicy
from tests.sandbox.bot_api import TOKEN, BotApi, People
from tests.sandbox.browser import browser, page  # noqa: F401 - the browser fixtures, for test_web_chat

# Webhook retries wait fractions of a second here, not Telegram's seconds.
TEST_CONFIG = SandboxConfig(webhook_retry=RetryPolicy(initial_delay=0.05, max_delay=0.2, request_timeout=5))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> SandboxConfig:
    return TEST_CONFIG


@pytest.fixture
async def emulator(config: SandboxConfig, clock: FakeClock) -> AsyncIterator[FastAPI]:
    app = create_emulator(TOKEN, config=config, clock=clock)
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def client(emulator: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(emulator), base_url="http://sandbox") as client:
        yield client


@pytest.fixture
def bot(client: httpx.AsyncClient) -> BotApi:
    return BotApi(client)


@pytest.fixture
def people(client: httpx.AsyncClient) -> People:
    return People(client)


@pytest.fixture
async def user_id(people: People) -> int:
    """A person who has started the bot (a bot cannot write first)."""
    first = (await people.ids())[0]
    await people.say(first, "/start")
    return first
