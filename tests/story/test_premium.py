"""Premium: a premium story, or a knot tagged ``# premium``, answers a paywall with the offer; once the payments
service says the player has premium, they go on from exactly where they stopped. Payments being down is a
paywall that says so, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from tests.story.support import Payments, Player, story_running


async def test_a_premium_story_answers_a_paywall_until_the_player_has_premium(
    paid_story: httpx.AsyncClient, payments: Payments, db: asyncpg.Connection
) -> None:
    player = Player(paid_story, "keepers-signal")
    wall = await player.start("ru")
    assert wall.kind == "paywall"
    assert wall.revision == 0
    assert wall.choices == []
    assert wall.messages == []
    assert wall.paywall is not None
    assert wall.paywall.reason == "premium_story"
    assert wall.paywall.title == "Эта история — в Storycam Premium"
    assert wall.paywall.button == "Оформить Premium"
    assert await db.fetchval("SELECT count(*) FROM story.progress WHERE user_id = $1", player.user_id) == 0

    listing = (
        await paid_story.get("/internal/v1/stories", params={"language": "en", "user_id": player.user_id})
    ).json()
    available = {s["slug"]: s["available"] for s in listing["stories"]}
    assert (available["keepers-signal"], available["quiet-study"]) == (False, True)

    await payments.grant(player.user_id, days=7)
    opening = await player.start("ru")
    assert opening.kind == "scene"
    assert opening.messages[0].text.startswith("Катер с припасами")
    listing = (
        await paid_story.get("/internal/v1/stories", params={"language": "en", "user_id": player.user_id})
    ).json()
    assert listing["premium"] is True
    assert all(s["available"] for s in listing["stories"])


async def test_a_premium_scene_in_a_free_story_pauses_and_resumes_exactly_there(
    paid_story: httpx.AsyncClient, payments: Payments, db: asyncpg.Connection
) -> None:
    player = Player(paid_story, "quiet-study")
    await player.start()
    await player.pick("Take the key")
    at_drawer = await player.pick("Try the desk drawer")
    wall = await player.pick("Unlock the little door")
    assert wall.kind == "paywall"
    assert wall.paywall is not None
    assert wall.paywall.reason == "premium_scene"
    assert wall.paywall.text.startswith("To see what happens next you need Storycam Premium")
    assert [c.text for c in wall.choices] == [c.text for c in at_drawer.choices], "the player may take another path"
    assert "Baltic" not in player.text

    # Until they pay, resuming shows the scene they are in; the way through stays closed.
    waiting = await player.start()
    assert waiting.kind == "scene"
    assert waiting.messages == at_drawer.messages
    again = await player.pick("Unlock the little door")
    assert again.kind == "paywall"

    await payments.grant(player.user_id)
    resumed = await player.start()
    assert resumed.kind == "scene"
    assert "The brass key turns in a lock hidden behind a map of the Baltic" in player.text
    assert resumed.revision == again.revision + 1
    actions = await db.fetch("SELECT action FROM story.interactions WHERE user_id = $1 ORDER BY id", player.user_id)
    assert [r["action"] for r in actions][-3:] == ["paywall", "paywall", "choice"]


@pytest.fixture
async def story_payments_down(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    async with story_running(database_url, redis_url, None, payments_url="http://127.0.0.1:9") as client:
        yield client


async def test_payments_down_is_a_paywall_that_says_so(story_payments_down: httpx.AsyncClient) -> None:
    player = Player(story_payments_down, "keepers-signal")
    wall = await player.start("en")
    assert wall.kind == "paywall"
    assert wall.paywall is not None
    assert wall.paywall.reason == "entitlements_unavailable"
    assert wall.paywall.title == "We can't check your subscription right now"
    catalogue = await story_payments_down.get("/internal/v1/stories", params={"language": "en", "user_id": 5})
    assert catalogue.status_code == 200
    assert catalogue.json()["premium"] is False

    free = Player(story_payments_down, "quiet-study")
    await free.start()
    assert (await free.pick("Take the key")).kind == "scene", "free stories never ask payments"


async def test_premium_is_cached_briefly_and_only_when_it_is_yes(
    paid_story: httpx.AsyncClient, payments: Payments, redis: Redis
) -> None:
    player = Player(paid_story, "keepers-signal")
    await player.start()
    assert await redis.exists(f"story:premium:{player.user_id}") == 0, "a 'no' must not outlive the payment"
    await payments.grant(player.user_id)
    await player.start()
    ttl = await redis.ttl(f"story:premium:{player.user_id}")
    assert 0 < ttl <= 30
