"""Every user answered: a flood does not stall the neighbours, a late callback answer loses no tap, odd text and
unknown buttons get an answer, and a /delete_me confirmation works once. Emulator as Telegram, the real gateway,
story and payments services, real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.gateway.telegram import webhook_secret
from tests.gateway.live import Platform, live_platform, words

pytestmark = pytest.mark.slow


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


def _throttled() -> float:
    return REGISTRY.get_sample_value("storycam_gateway_throttled_updates_total") or 0.0


async def _answer_time(platform: Platform, person: int, text: str) -> float:
    before = len(await platform.bot_messages(person))
    started = time.monotonic()
    await platform.say(person, text)
    await platform.wait_for_bot(person, before + 1, seconds=60)
    return time.monotonic() - started


async def _open_the_quiet_study(platform: Platform, person: int) -> dict[str, Any]:
    await platform.say(person, "/stories")
    [catalogue] = await platform.wait_for_bot(person, 1)
    await platform.tap(person, catalogue["message_id"], _buttons(catalogue)["The Quiet Study"])
    [scene] = await platform.wait_for_bot(person, 1, where=lambda m: "Lantern Row" in words(m))
    return scene


async def test_a_flooding_user_does_not_stall_a_neighbour_in_the_same_partition(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    # One partition: every chat shares it, as two unlucky users share one among sixteen.
    async with live_platform(database_url, redis_url, ingress_partitions=1) as platform:
        normal = await _answer_time(platform, platform.masha, "/help")
        throttled_before = _throttled()
        flood_started = time.monotonic()
        for n in range(60):  # 60 messages in about 5 s
            await platform.say(platform.alice, f"message {n}")
            await asyncio.sleep(max(0.0, flood_started + (n + 1) * 5 / 60 - time.monotonic()))
        during = await _answer_time(platform, platform.masha, "/help")
        # Alice's own answers: the ones under her limit, and one "slow down" (never one per message).
        async with asyncio.timeout(60):
            while True:
                replies = await platform.bot_messages(platform.alice)
                if sum("catch my breath" in m["text"] for m in replies) and len(replies) >= 21:
                    break
                await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        replies = await platform.bot_messages(platform.alice)
    print(f"\nneighbour's answer to /help: {normal:.2f} s before the flood, {during:.2f} s during it")
    assert sum("catch my breath" in m["text"] for m in replies) == 1
    assert len(replies) == 21, "twenty answered (the limit), one told to slow down, the rest dropped"
    assert _throttled() - throttled_before == 40  # one told, thirty-nine dropped
    assert during < 10.0, f"the neighbour waited {during:.1f} s behind the flood (before the fix: 33 s)"


async def test_a_tap_takes_effect_when_its_answer_is_refused_as_too_old(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        scene = await _open_the_quiet_study(platform, platform.alice)
        await platform.control.put("/sandbox/callbacks/deadline", json={"seconds": 0})
        choices = _buttons(scene)
        query = await platform.tap(platform.alice, scene["message_id"], choices["Ask who else is in the house"])
        await platform.wait_for_bot(platform.alice, 1, where=lambda m: "Agnes Pell" in m.get("text", ""))
        answer = (await platform.control.get(f"/sandbox/callbacks/{query}")).json()
    assert answer["answered"] is False  # Telegram refused the late answer; the tap still moved the story
    assert (
        await redis.xlen("telegram.updates.0.dead")
        + sum([await redis.xlen(f"telegram.updates.{p}.dead") for p in range(1, 16)])
        == 0
    )


async def test_an_unknown_button_is_answered_so_it_stops_spinning(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.masha, "/start")
        await platform.wait_for_bot(platform.masha, 1)
        # A message from an older version of the bot, with a button this version does not know.
        old = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Old", callback_data="v0:something-retired")]]
        )
        sent = await platform.gateway.state.bot.send_message(platform.masha, "an old message", reply_markup=old)
        query = await platform.tap(platform.masha, sent.message_id, "v0:something-retired")
        async with asyncio.timeout(15):
            while not (answer := (await platform.control.get(f"/sandbox/callbacks/{query}")).json())["answered"]:
                await asyncio.sleep(0.05)
    assert answer["answer"]["text"] == "Эта кнопка больше не работает. Нажмите /start, чтобы открыть меню."


async def test_odd_text_in_a_story_gets_an_answer_and_stays_out_of_the_logs_and_traces(
    database_url: str,
    redis_url: str,
    redis: Redis,
    capfd: pytest.CaptureFixture[str],
    span_exporter: InMemorySpanExporter,
) -> None:
    marker = "QUILLFEATHER"
    span_exporter.clear()
    async with live_platform(database_url, redis_url) as platform:
        await _open_the_quiet_study(platform, platform.alice)
        before = len(await platform.bot_messages(platform.alice))
        await platform.say(platform.alice, "\u200b\u200c\u200d\u2060\x07")  # nothing readable in it
        [unreadable] = (await platform.wait_for_bot(platform.alice, before + 1))[before:]
        assert unreadable["text"].startswith("I couldn't read that message")

        # 100 KB of text straight at the webhook (the emulator, like Telegram, would cut it at 4096 characters).
        huge = {
            "update_id": 10**9,
            "message": {
                "message_id": 10**6,
                "date": int(time.time()),
                "chat": {"id": platform.alice, "type": "private", "first_name": "Alice"},
                "from": {"id": platform.alice, "is_bot": False, "first_name": "Alice", "language_code": "en"},
                "text": (marker + " who is upstairs? ") * 4000,
            },
        }
        async with httpx.AsyncClient(base_url=platform.settings.public_base_url or "") as gateway:
            answered = await gateway.post(
                "/telegram/webhook",
                json=huge,
                headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(platform.settings)},
            )
        assert answered.status_code == 200
        await platform.wait_for_bot(platform.alice, before + 2, seconds=30)
        dead = [await redis.xlen(f"telegram.updates.{p}.dead") for p in range(16)]
    assert sum(dead) == 0, "every text gets handled, none dead-lettered"
    logged = capfd.readouterr()
    assert marker not in logged.out + logged.err, "what a user wrote must not appear in the logs"
    spans = span_exporter.get_finished_spans()
    assert any(span.name == "telegram update" for span in spans), "the check must see the update's spans"
    traced = [
        span.name
        for span in spans
        if marker in repr(dict(span.attributes or {}))
        or any(marker in repr(dict(event.attributes or {})) for event in span.events)
    ]
    assert traced == [], "what a user wrote must not appear in traces"


async def test_a_delete_me_confirmation_works_once_expires_and_its_buttons_go(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        masha = platform.masha
        await platform.say(masha, "/delete_me")
        [old_question] = await platform.wait_for_bot(masha, 1)
        await platform.say(masha, "/delete_me")  # asked again: only the newest question counts
        question = (await platform.wait_for_bot(masha, 2))[-1]
        shown = {m["message_id"]: m for m in await platform.bot_messages(masha)}
        assert not _buttons(shown[old_question["message_id"]]), "the earlier question's buttons go"
        assert _buttons(shown[question["message_id"]])
        gone = await platform.control.post(
            f"/sandbox/users/{masha}/callbacks",
            json={"message_id": old_question["message_id"], "data": _buttons(old_question)["Да, удалить всё"]},
        )
        assert gone.status_code == 422, "the emulator, like Telegram, offers no button that is gone"

        # A double tap on "yes": both leave the phone before the buttons go; one erases, the other is told so.
        yes = _buttons(question)["Да, удалить всё"]
        await asyncio.gather(*(platform.tap(masha, question["message_id"], yes) for _ in range(2)))
        answers = [m["text"] for m in (await platform.wait_for_bot(masha, 4))[2:]]
        assert sorted(a[:10] for a in answers) == ["Готово: ва", "Это подтве"], answers
        answered = {m["message_id"]: m for m in await platform.bot_messages(masha)}
        assert not _buttons(answered[question["message_id"]]), "a used confirmation loses its buttons"
        assert not _buttons(answered[old_question["message_id"]])
        refused = await platform.control.post(
            f"/sandbox/users/{masha}/callbacks",
            json={"message_id": question["message_id"], "data": _buttons(question)["Нет, оставить"]},
        )
        assert refused.status_code == 422, "no button is left to tap"

        # A confirmation left for minutes lapses.
        await platform.say(masha, "/delete_me")
        late = (await platform.wait_for_bot(masha, 5))[-1]
        await redis.pexpire(f"telegram:erasure-ticket:{masha}", 1)  # as if five minutes passed
        await asyncio.sleep(0.01)
        await platform.tap(masha, late["message_id"], _buttons(late)["Да, удалить всё"])
        expired = (await platform.wait_for_bot(masha, 6))[-1]
        assert expired["text"].startswith("Это подтверждение уже не действует")
    assert await redis.xlen(Streams.USERS_ERASURE) == 1, "erased once"
