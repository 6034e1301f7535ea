"""Helpers for story tests: the story app wired to an in-process payments app, and a player that reads well."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from asgi_lifespan import LifespanManager

from storycam.contracts.stories import StoryReply
from storycam.kit.app import create_app
from storycam.kit.service_auth import ServiceAuth
from storycam.story.app import definition
from tests.support.services import BY_NAME, TEST_SECRET, make_settings, running

LLM_URL = "http://llm.test/v1"
LLM_SETTINGS: dict[str, Any] = {
    "openai_api_key": "test-llm-key",
    "openai_base_url": LLM_URL,
    "openai_model": "story-test-model",
}
_users = itertools.count(secrets.randbelow(10**9) * 1000 + 10**12)


def new_user() -> int:
    """A Telegram user id no other test (in this session or an earlier one) has used."""
    return next(_users)


@dataclass
class Payments:
    transport: httpx.AsyncBaseTransport
    client: httpx.AsyncClient

    async def grant(self, user_id: int, days: int = 30) -> None:
        response = await self.client.post(
            f"/internal/v1/users/{user_id}/subscriptions/grants",
            json={"days": days, "reason": "test grant"},
            headers={"Idempotency-Key": str(uuid4())},
        )
        assert response.status_code == 201, response.text


@asynccontextmanager
async def payments_running(database_url: str, redis_url: str) -> AsyncIterator[Payments]:
    app = create_app(BY_NAME["payments"].definition, make_settings(BY_NAME["payments"], database_url, redis_url))
    async with LifespanManager(app, startup_timeout=20, shutdown_timeout=20) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        auth = ServiceAuth(TEST_SECRET, "support")
        async with httpx.AsyncClient(transport=transport, base_url="http://payments", auth=auth) as client:
            yield Payments(transport, client)


@asynccontextmanager
async def story_running(
    database_url: str, redis_url: str, payments: Payments | None, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The story service, its bundled stories stored; premium checks go to ``payments`` (or nowhere)."""
    overrides.setdefault("payments_url", "http://payments" if payments else "http://127.0.0.1:9")
    settings = make_settings(BY_NAME["story"], database_url, redis_url, **overrides)
    app = create_app(definition(payments.transport if payments else None), settings)
    async with running(app) as client:
        for _ in range(200):
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the story service never became ready")
        yield client


@dataclass
class Player:
    """One user playing one story through the REST API, remembering the last answer."""

    client: httpx.AsyncClient
    story: str
    user_id: int = field(default_factory=new_user)
    last: StoryReply | None = None

    @property
    def base(self) -> str:
        return f"/internal/v1/users/{self.user_id}/stories/{self.story}"

    async def _post(self, action: str, body: dict[str, Any]) -> StoryReply:
        response = await self.client.post(f"{self.base}/{action}", json=body)
        assert response.status_code == 200, response.text
        self.last = StoryReply.model_validate(response.json())
        return self.last

    async def start(self, language: str = "en", *, restart: bool = False) -> StoryReply:
        return await self._post("start", {"language": language, "restart": restart})

    async def choose(self, index: int, revision: int | None = None) -> StoryReply:
        assert self.last is not None
        return await self._post(
            "choices", {"index": index, "revision": self.revision if revision is None else revision}
        )

    async def pick(self, prefix: str) -> StoryReply:
        """Take the choice whose text starts with ``prefix``."""
        return await self.choose(self.index_of(prefix))

    async def say(self, text: str) -> StoryReply:
        return await self._post("text", {"text": text})

    async def undo(self, revision: int | None = None) -> StoryReply:
        return await self._post("undo", {"revision": self.revision if revision is None else revision})

    @property
    def revision(self) -> int:
        assert self.last is not None
        return self.last.revision

    def index_of(self, prefix: str) -> int:
        assert self.last is not None
        for choice in self.last.choices:
            if choice.text.startswith(prefix):
                return choice.index
        raise AssertionError(f"no choice starts with {prefix!r}: {[c.text for c in self.last.choices]}")

    @property
    def text(self) -> str:
        assert self.last is not None
        return "\n\n".join(m.text for m in self.last.messages)


def corridor(
    slug: str, *, door_text: str = "The door opens.", left_choice: str = "Open the door", tier: str = "free"
) -> str:
    """A tiny story to import in tests: a corridor, two rooms, a door, two endings."""
    return f"""# slug: {slug}
# language: en
# title: The Corridor
# description: Two rooms and a door.
# tier: {tier}

-> corridor

=== corridor ===
A corridor with two doors.
* [Go left] -> left
* [Go right] -> right

=== left ===
The left room is empty but for a door.
* [{left_choice}] -> door
* [Go back] -> corridor

=== right ===
# ending: right: The Right Room
The right room is where the story ends.
-> END

=== door ===
# ending: door: Through the Door
{door_text}
-> END
"""


async def upload(
    client: httpx.AsyncClient, *scripts: dict[str, Any], media: list[dict[str, Any]] | None = None
) -> httpx.Response:
    return await client.post("/internal/v1/stories", json={"scripts": list(scripts), "media": media or []})
