"""Helpers for gateway tests: Telegram-shaped updates, and workers with a recording handler."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from redis.asyncio import Redis

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

    async def __call__(self, update: dict[str, Any]) -> None:
        if self._delay:
            await asyncio.sleep(self._delay)
        chat = update["message"]["chat"]["id"]
        self.seen.setdefault(chat, []).append(int(update["message"]["text"]))
        self.count += 1


def replica(redis: Redis, holder: str, partitions: int, handler: Any, lease_seconds: float = 1.0) -> UpdateWorkers:
    return UpdateWorkers(
        redis, PartitionLeases(redis, holder, lease_seconds), partitions, handler, attempts=2, block_ms=100
    )
