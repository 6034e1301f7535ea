"""Helpers for gateway tests: Telegram-shaped updates, workers with a recording handler, and streams settling."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from redis.asyncio import Redis

from storycam.gateway.ingress.journal import GROUP as UPDATES_GROUP
from storycam.gateway.ingress.journal import STREAM_PREFIX
from storycam.gateway.ingress.leases import PartitionLeases
from storycam.gateway.ingress.workers import UpdateWorkers

_ids = itertools.count(1)


def text_update(
    update_id: int, chat_id: int, text: str, *, language: str = "en", name: str = "Alice"
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": next(_ids),
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": name},
            "from": {"id": chat_id, "is_bot": False, "first_name": name, "language_code": language},
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


class Recorder:
    """A handler that records which updates it saw, per chat, in order."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen: dict[int, list[int]] = {}
        self.count = 0
        self._delay = delay

    async def __call__(self, update: dict[str, Any], *, fresh: bool = False) -> None:
        if self._delay:
            await asyncio.sleep(self._delay)
        chat = update["message"]["chat"]["id"]
        self.seen.setdefault(chat, []).append(int(update["message"]["text"]))
        self.count += 1


def replica(redis: Redis, holder: str, partitions: int, handler: Any, lease_seconds: float = 1.0) -> UpdateWorkers:
    return UpdateWorkers(
        redis, PartitionLeases(redis, holder, lease_seconds), partitions, handler, attempts=2, block_ms=100
    )


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 30.0) -> None:
    """Wait for an observable condition (never for a fixed time); a timeout fails the test."""
    async with asyncio.timeout(seconds):
        while not await condition():
            await asyncio.sleep(0.05)


async def stream_settled(redis: Redis, stream: str, group: str) -> bool:
    """Every entry the stream holds was delivered to the group and acked (handled, or dead-lettered with its
    error): nothing more will happen to any of them. A stream that does not exist holds nothing."""
    if not await redis.exists(stream):
        return True
    last_entry = (await redis.xinfo_stream(stream))["last-generated-id"]
    for info in await redis.xinfo_groups(stream):
        if info["name"] in (group, group.encode()):
            return int(info["pending"]) == 0 and info["last-delivered-id"] == last_entry
    return False  # no consumer has even started on it


async def streams_settled(redis: Redis, streams: Iterable[str], group: str) -> bool:
    return all([await stream_settled(redis, stream, group) for stream in streams])


async def updates_settled(redis: Redis) -> bool:
    """Every journaled Telegram update was handled (and what a handler sends is sent before its update is acked)."""
    streams = [key.decode() async for key in redis.scan_iter(match=f"{STREAM_PREFIX}.*")]
    return await streams_settled(redis, [s for s in streams if not s.endswith(".dead")], UPDATES_GROUP)
