"""Each update takes effect once: repeated by Telegram, redone after a worker crashed, or fetched by polling."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from storycam.gateway.ingress.handling import UpdateDispatch
from storycam.gateway.telegram import webhook_secret
from tests.gateway.live import live_platform
from tests.gateway.support import text_update

pytestmark = pytest.mark.slow


def _helps(messages: list[dict[str, object]]) -> int:
    return sum(1 for m in messages if str(m["text"]).startswith("What I can do"))


async def test_a_repeated_update_is_handled_once(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")  # she writes first: only then may the bot write to her
        await platform.wait_for_bot(platform.alice, 1)
        # Telegram delivers an update, then the same update again (say, our 200 was lost); the first may already be
        # handled (and gone from the journal) when the second arrives.
        update = text_update(990_100, platform.alice, "/help")
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                response = await client.post(
                    f"{platform.gateway_url}/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(platform.settings)},
                )
                assert response.status_code == 200
        # Not /help as the sentinel: that is what is being counted.
        said = await platform.settle(platform.alice, sentinel="/privacy")
        assert _helps(said) == 1
        assert len(said) == 2  # the greeting and one help


async def test_an_update_redone_after_a_crash_takes_effect_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")
        await platform.wait_for_bot(platform.alice, 1)
        state = platform.gateway.state
        dispatch = UpdateDispatch(state.bot, state.dispatcher, state.service)
        update = text_update(990_001, platform.alice, "/help")
        # A worker handled it and died before the ack; the next owner of the partition handles it again.
        await dispatch(update)
        await dispatch(update)
        said = await platform.settle(platform.alice, sentinel="/privacy")
        assert _helps(said) == 1
        assert len(said) == 2  # the greeting and one help


async def test_polling_mode_feeds_the_same_workers(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, polling=True) as platform:
        webhook = (await platform.control.get("/sandbox/bot")).json()
        assert webhook["bot"] is not None
        await platform.say(platform.masha, "/start")
        [greeting] = await platform.wait_for_bot(platform.masha, 1, seconds=40)
        assert greeting["text"].startswith("Привет, Маша!")
