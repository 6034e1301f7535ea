"""The update journal: every update Telegram hands us, appended once to the stream of its chat's partition.

Dedupe and append happen in one Lua script, so an update is either journaled (and answered 200) or not at all
(and Telegram retries): a crash between the two can neither lose an update nor drop its retry as a duplicate.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any, Final

from opentelemetry import propagate
from redis.asyncio import Redis

STREAM_PREFIX: Final = "telegram.updates"
GROUP: Final = "gateway.updates"
_SEEN_TTL_SECONDS: Final = 2 * 24 * 3600  # Telegram keeps an unanswered update for at most 24 h
_MAX_LENGTH: Final = 1_000_000

_APPEND_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
    return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'update', ARGV[3], 'traceparent', ARGV[4])
end
return false
"""

# Where the chat of each kind of update is found; callback queries and payments fall back to the user.
_CHAT_PATHS: Final = (
    ("message", "chat", "id"),
    ("edited_message", "chat", "id"),
    ("channel_post", "chat", "id"),
    ("callback_query", "message", "chat", "id"),
    ("callback_query", "from", "id"),
    ("pre_checkout_query", "from", "id"),
    ("my_chat_member", "chat", "id"),
    ("chat_member", "chat", "id"),
    ("inline_query", "from", "id"),
    ("shipping_query", "from", "id"),
)


def chat_of(update: Mapping[str, Any]) -> int | None:
    for path in _CHAT_PATHS:
        node: Any = update
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, int):
            return node
    return None


def sender_of(update: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """The kind of the update and the user who sent it (``from``), when it has one."""
    for kind, payload in update.items():
        if kind != "update_id" and isinstance(payload, Mapping):
            sender = payload.get("from")
            if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
                return kind, sender
    return None


def stream_name(partition: int) -> str:
    return f"{STREAM_PREFIX}.{partition}"


class UpdateJournal:
    def __init__(self, redis: Redis, bot_id: int, partitions: int) -> None:
        self._redis = redis
        self._bot_id = bot_id
        self.partitions = partitions
        self._append = redis.register_script(_APPEND_ONCE)

    def partition_of(self, update: Mapping[str, Any]) -> int:
        chat = chat_of(update)
        key = str(chat if chat is not None else update.get("update_id", 0)).encode()
        # crc32, not hash(): every replica must put a chat in the same partition.
        return zlib.crc32(key) % self.partitions

    async def append(self, update_id: int, raw: str, update: Mapping[str, Any]) -> bool:
        """Journal the update unless it was seen before. True when it is new."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        entry = await self._append(
            keys=[f"telegram:seen:{self._bot_id}:{update_id}", stream_name(self.partition_of(update))],
            args=[_SEEN_TTL_SECONDS, _MAX_LENGTH, raw, carrier.get("traceparent", "")],
        )
        return bool(entry)
