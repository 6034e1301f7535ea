"""Kiss Cam tests' stage: the live platform with media and payments' quotes stubbed over HTTP (respx), the photos'
store in a temporary folder, and helpers to send photos and to publish what media would."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import respx
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.media import JobDone, JobFailed, JobProgress, KissCamJobAccepted, KissCamStats
from storycam.contracts.payments import Account, Allowances, Quote
from storycam.gateway.kisscam.events import GROUP
from storycam.kit.bus import StreamBus
from tests.gateway.live import Listener, Platform, buttons, live_platform, served
from tests.gateway.support import stream_settled, until
from tests.sandbox.media_files import png
from tests.support.services import BY_NAME, build

MEDIA_URL = "http://media.kisscam.test"
_QUOTE = re.compile(r"/internal/v1/users/(\d+)/quotes/(kisscam\.classic|kisscam\.ai)$")
_ACCOUNT = re.compile(r"/internal/v1/users/(\d+)/account$")


@dataclass
class MediaStub:
    """What media answers, changeable by a test, and the jobs it was asked for."""

    jobs: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    refusal: tuple[int, str] | None = None
    down: bool = False  # media answers 503
    queue_position: int = 2
    videos_made: int = 0
    stats_up: bool = True
    quotes: dict[str, Quote] = field(
        default_factory=lambda: {
            "kisscam.classic": Quote(kind="kisscam.classic", source="daily_allowance", credits=0, affordable=True),
            "kisscam.ai": Quote(kind="kisscam.ai", source="credits", credits=1, affordable=True),
        }
    )
    classic_left_today: int = 2
    providers: list[str] = field(default_factory=lambda: ["classic", "grok"])  # what media says it can make

    def submit(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.keys.append(request.headers["Idempotency-Key"])
        if self.down:
            return httpx.Response(503, json={"error": "unavailable", "detail": "media is restarting"})
        if self.refusal is not None:
            status, code = self.refusal
            return httpx.Response(status, json={"error": code, "detail": "refused by the stub"})
        if any(job["job_id"] == body["job_id"] for job in self.jobs):  # media's idempotency, as promised
            return httpx.Response(200, json=self._accepted(body["job_id"]))
        self.jobs.append(body)
        return httpx.Response(201, json=self._accepted(body["job_id"]))

    def _accepted(self, job_id: str) -> dict[str, Any]:
        return KissCamJobAccepted(job_id=UUID(job_id), state="queued", queue_position=self.queue_position).model_dump(
            mode="json"
        )

    def offered(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"providers": self.providers})

    def stats(self, request: httpx.Request) -> httpx.Response:
        if not self.stats_up:
            return httpx.Response(503, json={"error": "unavailable", "detail": "down"})
        return httpx.Response(200, json=KissCamStats(videos_made=self.videos_made).model_dump(mode="json"))

    def quote(self, request: httpx.Request) -> httpx.Response:
        match = _QUOTE.search(request.url.path)
        assert match is not None
        return httpx.Response(200, json=self.quotes[match.group(2)].model_dump(mode="json"))

    def account(self, request: httpx.Request) -> httpx.Response:
        match = _ACCOUNT.search(request.url.path)
        assert match is not None
        allowances = Allowances(
            classic_per_day=3,
            classic_left_today=self.classic_left_today,
            ai_trial_left=False,
            ai_in_period=0,
            ai_left_in_period=0,
        )
        account = Account(user_id=int(match.group(1)), premium=False, credits=0, credits_held=0, allowances=allowances)
        return httpx.Response(200, json=account.model_dump(mode="json"))


@dataclass
class Stage:
    platform: Platform
    media: MediaStub
    storage: Path
    redis: Redis

    async def photos(self, user_id: int, *images: bytes, album: bool = False) -> list[dict[str, Any]]:
        files = [("photo", (f"photo{n}.png", image, "image/png")) for n, image in enumerate(images, 1)]
        response = await self.platform.control.post(
            f"/sandbox/users/{user_id}/photos", files=files, data={"album": "true" if album else "false"}
        )
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    async def document(self, user_id: int, name: str, data: bytes, mime_type: str) -> dict[str, Any]:
        response = await self.platform.control.post(
            f"/sandbox/users/{user_id}/documents", files={"document": (name, data, mime_type)}
        )
        response.raise_for_status()
        message: dict[str, Any] = response.json()
        return message

    async def consent(self, user_id: int) -> None:
        await self.platform.say(user_id, "/kisscam")
        [ask] = await self.platform.wait_for_bot(user_id, 1, where=lambda m: "please confirm" in m.get("text", ""))
        await self.platform.tap(user_id, ask["message_id"], buttons(ask)["✅ I'm 18+ and they agreed"])
        await self.platform.wait_for_bot(user_id, 1, where=lambda m: m.get("text", "").startswith("Thank you!"))

    async def prompt(self, user_id: int, *, photos: int = 1) -> dict[str, Any]:
        """The prompt with the kinds of video, once it counts ``photos`` photos."""
        opening = "📸📸 Got both photos" if photos == 2 else "📸 Got your photo"
        [prompt] = (
            await self.platform.wait_for_bot(user_id, 1, where=lambda m: m.get("text", "").startswith(opening))
        )[-1:]
        return prompt

    async def pick(
        self, user_id: int, prompt: dict[str, Any], provider: str, style: str | None = "🏟 Stadium"
    ) -> dict[str, Any]:
        """Tap the kind of video, then (when given) the style; returns the prompt as it reads after the first tap."""
        await self.platform.tap(user_id, prompt["message_id"], buttons(prompt)[provider])
        [priced] = await self.platform.wait_for_bot(
            user_id, 1, where=lambda m: m["message_id"] == prompt["message_id"] and "Got" not in m.get("text", "")
        )
        if style is not None:
            await self.platform.tap(user_id, prompt["message_id"], buttons(priced)[style])
        return priced

    async def job(self, count: int = 1) -> dict[str, Any]:
        await until(lambda: _at_least(self.media.jobs, count))
        return self.media.jobs[count - 1]

    async def progress_message(self, user_id: int, job_id: str) -> dict[str, Any]:
        message_id = int(await self.redis.hget(f"kisscam:job:{job_id}", "message") or 0)
        assert message_id, "the job has a progress message"
        return next(m for m in await self.platform.bot_messages(user_id) if m["message_id"] == message_id)

    async def publish(self, *events: JobProgress | JobDone | JobFailed) -> None:
        bus = StreamBus(self.redis)
        for event in events:
            await bus.publish(Streams.MEDIA_EVENTS, event)
        await until(lambda: stream_settled(self.redis, Streams.MEDIA_EVENTS, GROUP))


async def _at_least(items: list[Any], count: int) -> bool:
    return len(items) >= count


def photo(seed: int = 1) -> bytes:
    return png(320 + seed, 240, colour=(seed * 40 % 256, 80, 120))


def event_id() -> str:
    return str(uuid4())


@contextlib.asynccontextmanager
async def kisscam_stage(database_url: str, redis_url: str, redis: Redis, storage: Path) -> AsyncIterator[Stage]:
    media = MediaStub()
    # Every other HTTP call (the emulator's control API, payments, story) goes through untouched.
    with respx.mock(assert_all_called=False, assert_all_mocked=False) as router:
        router.post(f"{MEDIA_URL}/internal/v1/kisscam/jobs").mock(side_effect=media.submit)
        router.get(f"{MEDIA_URL}/internal/v1/kisscam/providers").mock(side_effect=media.offered)
        router.get(url__regex=rf"{re.escape(MEDIA_URL)}/internal/v1/users/\d+/kisscam/stats").mock(
            side_effect=media.stats
        )
        router.get(path__regex=_QUOTE.pattern).mock(side_effect=media.quote)
        router.get(path__regex=_ACCOUNT.pattern).mock(side_effect=media.account)
        router.route().pass_through()
        async with live_platform(database_url, redis_url, media_url=MEDIA_URL, storage_url=str(storage)) as platform:
            yield Stage(platform, media, storage, redis)


@contextlib.asynccontextmanager
async def platform_with_media(database_url: str, redis_url: str, storage: Path) -> AsyncIterator[Platform]:
    """The live platform with the real media service and its worker (the classic renderer), sharing ``storage``.

    The emulator's people have the same ids in every test: their earlier jobs (which media would reuse) and charges
    (which count against today's allowance) are cleared first."""
    media_at = Listener()
    async with live_platform(database_url, redis_url, media_url=media_at.url, storage_url=str(storage)) as platform:
        people = [platform.alice, platform.masha]
        connection = await asyncpg.connect(database_url)
        try:
            await connection.execute("DELETE FROM media.kisscam_jobs WHERE user_id = ANY($1::bigint[])", people)
            await connection.execute("DELETE FROM payments.charges WHERE user_id = ANY($1::bigint[])", people)
        finally:
            await connection.close()
        media = build(
            BY_NAME["media"],
            database_url,
            redis_url,
            storage_url=str(storage),
            payments_url=str(platform.payments.base_url),
        )
        async with served(media, media_at):
            yield platform
