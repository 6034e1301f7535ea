"""A player's progress and stats across stories, and erasing them on request (REST, or the users.erasure stream)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from tests.story.support import Player

SHORT_ENDING = ["Take the key", "Look at the teacup", "Check the window", "Try the desk drawer", "Search the fireplace"]


async def _finish(player: Player, language: str = "en") -> None:
    await player.start(language)
    for step in SHORT_ENDING:
        await player.pick(step)
    ending = await player.pick("Tell Mira it was his heart")
    assert ending.kind == "ending"


async def test_progress_and_stats(story: httpx.AsyncClient) -> None:
    player = Player(story, "quiet-study")
    empty = (await story.get(f"/internal/v1/users/{player.user_id}/progress")).json()
    assert empty == {
        "user_id": player.user_id,
        "current": None,
        "stories": [],
        "stories_finished": 0,
        "endings_found": 0,
    }

    await _finish(player)
    await player.start(restart=True)
    await player.pick("Take the key")
    progress = (await story.get(f"/internal/v1/users/{player.user_id}/progress")).json()
    assert progress["current"] == "quiet-study"
    assert (progress["stories_finished"], progress["endings_found"]) == (1, 1)
    [run] = progress["stories"]
    assert (run["status"], run["endings_found"], run["endings_total"], run["title"]) == (
        "playing",
        ["natural"],
        6,
        "The Quiet Study",
    )
    listing = (await story.get("/internal/v1/stories", params={"language": "en", "user_id": player.user_id})).json()
    [summary] = [s for s in listing["stories"] if s["slug"] == "quiet-study"]
    assert (summary["progress"], summary["endings_found"]) == ("playing", 1)


async def _held(db: asyncpg.Connection, redis: Redis, user_id: int) -> tuple[int, int, int, int]:
    counts = await db.fetchrow(
        "SELECT (SELECT count(*) FROM story.progress WHERE user_id = $1), "
        "(SELECT count(*) FROM story.interactions WHERE user_id = $1), "
        "(SELECT count(*) FROM story.endings_found WHERE user_id = $1)",
        user_id,
    )
    assert counts is not None
    keys = [key async for key in redis.scan_iter(match=f"story:progress:{user_id}:*")]
    return (counts[0], counts[1], counts[2], len(keys))


async def test_erasing_a_player_over_rest(story: httpx.AsyncClient, db: asyncpg.Connection, redis: Redis) -> None:
    player = Player(story, "quiet-study")
    await _finish(player)
    other = Player(story, "quiet-study")
    await other.start()
    assert (await _held(db, redis, player.user_id))[0:3] == (1, 7, 1)

    erased = await story.delete(f"/internal/v1/users/{player.user_id}")
    assert erased.status_code == 200
    assert erased.json() == {"user_id": player.user_id, "progress": 1, "interactions": 7, "endings": 1}
    assert await _held(db, redis, player.user_id) == (0, 0, 0, 0)
    assert (await _held(db, redis, other.user_id))[0] == 1, "only that player's data goes"
    again = await story.delete(f"/internal/v1/users/{player.user_id}")
    assert again.json()["progress"] == 0


async def test_erasing_a_player_when_the_gateway_publishes_the_request(
    story: httpx.AsyncClient, db: asyncpg.Connection, redis: Redis
) -> None:
    player = Player(story, "quiet-study")
    await player.start()
    await player.pick("Take the key")
    event = UserErasureRequested(request_id=uuid.uuid4(), user_id=player.user_id, requested_at=datetime.now(UTC))
    await redis.xadd(Streams.USERS_ERASURE, {"data": event.model_dump_json()})
    for _ in range(100):
        if await _held(db, redis, player.user_id) == (0, 0, 0, 0):
            break
        await asyncio.sleep(0.05)
    assert await _held(db, redis, player.user_id) == (0, 0, 0, 0)
