"""A Stars pre-checkout never waits behind its chat's queue: Telegram wants the answer within 10 s, and the chat
may be busy with a slow story step (the LLM) or Telegram's pacing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from redis.asyncio import Redis

from storycam.gateway.ingress.journal import UpdateJournal
from tests.gateway.support import replica, text_update, until

CHAT = 4242


def _pre_checkout(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "pre_checkout_query": {
            "id": "q1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Alice"},
            "currency": "XTR",
            "total_amount": 150,
            "invoice_payload": "p:1",
        },
    }


async def test_a_pre_checkout_is_handled_while_its_chat_is_still_busy(redis: Redis) -> None:
    release = asyncio.Event()
    handled: list[str] = []

    async def handler(update: dict[str, Any], *, fresh: bool = False) -> None:
        if "message" in update:
            await release.wait()  # the chat's earlier update, slow
            handled.append("message")
        else:
            handled.append("pre_checkout")

    journal = UpdateJournal(redis, 1, 1)
    for update in (text_update(1, CHAT, "a slow story step"), _pre_checkout(2), text_update(3, CHAT, "next")):
        await journal.append(update["update_id"], json.dumps(update), update)
    # One partition, and a single slot for chats in flight: the busy chat holds it.
    workers = replica(redis, "replica", 1, handler)
    workers.in_flight = 1
    task = asyncio.create_task(workers.run())
    try:
        await until(lambda: _seen(handled, "pre_checkout"))
        assert handled == ["pre_checkout"], "answered while the chat's earlier update is still being handled"
        release.set()
        await until(lambda: _seen(handled, "message", times=2))
        assert handled == ["pre_checkout", "message", "message"]  # the chat's own updates still in order
    finally:
        release.set()
        workers.stop()
        await task


async def _seen(handled: list[str], kind: str, times: int = 1) -> bool:
    return handled.count(kind) >= times
