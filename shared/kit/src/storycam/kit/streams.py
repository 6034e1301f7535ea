"""The one Redis Streams consumer engine: every consumer group of the platform reads through it.

Each piece of consumer-group bookkeeping is written here once:

* reading new entries for a named consumer (``XREADGROUP``), and making the group again when Redis lost it
  (flushed, or restarted without persistence);
* reclaiming entries other consumers left pending (``XAUTOCLAIM``), with the delivery count Redis keeps for each;
* handling an entry: tries in process, then either a retry by redelivery or the dead-letter stream
  ``<stream>.dead`` with the last error, so a poison entry (even one that kills its worker) never loops forever
  and is never dropped; a handler raises :class:`Rejected` for an entry no retry can fix;
* acking only what was handled, and only while a ``before_ack`` check (the gateway's partition lease) agrees.

What to read when, how many entries at once, and in what order they are handled is the caller's: the bus runs one
loop per subscription (:mod:`storycam.kit.bus`), the gateway one per leased partition with the chats of a partition
handled side by side (``gateway.ingress.workers``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from storycam.kit.logging import get_logger

log = get_logger(__name__)

DEAD_LETTER_SUFFIX: Final = ".dead"
DEPARTED_AFTER_MS: Final = 24 * 3600 * 1000  # a consumer idle this long, holding nothing, is a process that is gone
_ERRORS_TTL_SECONDS: Final = 7 * 24 * 3600
_DEAD_LETTER_MAX_LENGTH: Final = 100_000

DEAD_LETTERS = Counter("storycam_bus_dead_letters_total", "Entries moved to a dead-letter stream", ["stream", "group"])


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Rejected(Exception):
    """Raised by a handler for an entry that can never be handled (unreadable, not ours): dead-lettered at once,
    with this message as the reason, and never retried."""


class NotAcked(Exception):
    """Raised by a ``before_ack`` check: the entry was handled but must stay pending (the partition changed hands;
    its next owner redoes it, and the handler's own idempotency keeps that to one effect)."""


@dataclass(frozen=True)
class Entry:
    """One stream entry as a handler sees it."""

    stream: str
    id: str
    fields: dict[str, str]
    deliveries: int


# A handler may return keys that exist only for its own redo (the gateway's recorded Bot API results): they go in the
# same Redis transaction as the ack, so they live exactly as long as a redo is possible.
EntryHandler = Callable[[Entry], Awaitable[Sequence[str] | None]]
AckCheck = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    """What became of an entry: ``ok`` (acked), ``dead_lettered``, or ``retry`` (left pending, failed)."""

    status: str
    error: str | None = None


OK: Final = Outcome("ok")


def stream_was_lost(exc: ResponseError) -> bool:
    """Redis dropped the stream under a consumer (flushed, or restarted without persistence)."""
    return any(marker in str(exc) for marker in ("NOGROUP", "UNBLOCKED"))


async def ensure_group(redis: Redis, stream: str, group: str, start_id: str = "$") -> None:
    """Create the consumer group (and the stream) if missing. Safe to call from every replica at start."""
    try:
        await redis.xgroup_create(stream, group, id=start_id, mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


@dataclass(frozen=True)
class RetryPolicy:
    """How often an entry is tried before it is dead-lettered.

    ``attempts`` tries in a row within one delivery (with ``pause`` seconds times the attempt number between
    them); when they all failed, ``redeliver`` leaves the entry pending to be tried again on a later delivery
    (until ``max_deliveries``), otherwise it is dead-lettered at once (a partition in order cannot wait for it).
    Deliveries beyond ``max_deliveries`` happen when workers die mid-entry; such an entry is dead-lettered with
    the last error recorded for it.
    """

    attempts: int = 1
    pause: float = 0.2
    redeliver: bool = True
    max_deliveries: int = 5


class GroupConsumer:
    """One named consumer of one group on one stream. Safe to use from several tasks at once for different
    entries (the gateway handles the chats of a partition side by side)."""

    def __init__(
        self,
        redis: Redis,
        stream: str,
        group: str,
        consumer: str,
        *,
        start_id: str = "$",
        retry: RetryPolicy | None = None,
        delete_handled: bool = False,
    ) -> None:
        self.redis = redis
        # A work queue (Telegram updates, messages to send) keeps nothing once handled: the entry is deleted with its
        # ack, so what users wrote or were told does not linger in Redis; dead letters keep a copy.
        self.delete_handled = delete_handled
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.start_id = start_id
        self.retry = retry or RetryPolicy()
        self._reclaim_cursor = "0-0"
        self._errors_key = f"{stream}:{group}:last-error"

    @property
    def dead_letter_stream(self) -> str:
        return self.stream + DEAD_LETTER_SUFFIX

    async def ensure_group(self) -> None:
        await ensure_group(self.redis, self.stream, self.group, self.start_id)

    async def read(self, *, count: int, block_ms: int) -> list[Entry]:
        """New entries for this consumer, waiting up to ``block_ms``; the group is made again if Redis lost it."""
        try:
            reply: Any = await self.redis.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=count, block=block_ms
            )
        except ResponseError as exc:
            if not stream_was_lost(exc):
                raise
            log.warning("bus.group_recreated", stream=self.stream, group=self.group)
            await self.ensure_group()
            return []
        return [
            Entry(self.stream, text(entry_id), _decoded(fields), 1)
            for _stream, entries in reply or []
            for entry_id, fields in entries
        ]

    async def reclaim(self, *, min_idle_ms: int, count: int) -> tuple[list[Entry], bool]:
        """Entries pending longer than ``min_idle_ms`` (with any consumer), now this one's, oldest first, with how
        often each was delivered; and whether the scan went round the whole pending list."""
        try:
            reply: Any = await self.redis.xautoclaim(
                self.stream,
                self.group,
                self.consumer,
                min_idle_time=min_idle_ms,
                start_id=self._reclaim_cursor,
                count=count,
            )
        except ResponseError as exc:
            if not stream_was_lost(exc):
                raise
            await self.ensure_group()
            return [], True
        self._reclaim_cursor = text(reply[0])
        entries = []
        for entry_id, fields in reply[1]:
            entry = text(entry_id)
            entries.append(Entry(self.stream, entry, _decoded(fields), await self._delivery_count(entry)))
        return entries, self._reclaim_cursor == "0-0"

    async def pending_count(self) -> int:
        pending = await self.redis.xpending(self.stream, self.group)
        return int(pending["pending"])

    async def _delivery_count(self, entry_id: str) -> int:
        rows = await self.redis.xpending_range(self.stream, self.group, entry_id, entry_id, 1)
        return int(rows[0]["times_delivered"]) if rows else 1

    async def process(self, entry: Entry, handler: EntryHandler, *, before_ack: AckCheck | None = None) -> Outcome:
        """Handle ``entry`` as the retry policy says, then ack it or dead-letter it (or leave it for a retry).

        Raises :class:`NotAcked` (from ``before_ack``) and cancellation; everything a handler raises is caught.
        """
        policy = self.retry
        if entry.deliveries > policy.max_deliveries:
            # Handed out this often and never acked: its handlers failed, or its workers died mid-way.
            last_error = await self.redis.hget(self._errors_key, entry.id)
            reason = text(last_error) if last_error else f"no consumer finished it in {entry.deliveries - 1} deliveries"
            await self.dead_letter(entry, reason)
            return Outcome("dead_lettered", reason)
        error = ""
        done_keys: Sequence[str] | None = None
        for attempt in range(1, policy.attempts + 1):
            try:
                done_keys = await handler(entry)
                break
            except asyncio.CancelledError:
                raise
            except Rejected as exc:
                log.warning("bus.entry_rejected", stream=self.stream, group=self.group, entry_id=entry.id)
                await self.dead_letter(entry, str(exc))
                return Outcome("dead_lettered", str(exc))
            except Exception as exc:
                # The type and the first line only: an error message may quote what a user wrote.
                error = _describe(exc)
                log.warning(
                    "bus.handler_failed",
                    stream=self.stream,
                    group=self.group,
                    entry_id=entry.id,
                    deliveries=entry.deliveries,
                    attempt=attempt,
                    error=error,
                )
                if attempt < policy.attempts:
                    await asyncio.sleep(policy.pause * attempt)
        else:
            if policy.redeliver and entry.deliveries < policy.max_deliveries:
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.hset(self._errors_key, entry.id, error)
                    pipe.expire(self._errors_key, _ERRORS_TTL_SECONDS)
                    await pipe.execute()
                return Outcome("retry", error)
            await self.dead_letter(entry, error)
            return Outcome("dead_lettered", error)
        if before_ack is not None:
            await before_ack()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, entry.id)
            pipe.hdel(self._errors_key, entry.id)
            if self.delete_handled:
                pipe.xdel(self.stream, entry.id)
            if done_keys:
                pipe.delete(*done_keys)
            await pipe.execute()
        return OK

    async def dead_letter(self, entry: Entry, reason: str) -> None:
        """Move the entry to ``<stream>.dead`` with why, and ack it, in one transaction: never lost, never looping."""
        record: dict[Any, Any] = {
            **entry.fields,
            "original_stream": self.stream,
            "original_id": entry.id,
            "group": self.group,
            "error": reason,
            "deliveries": entry.deliveries,
            "dead_at": datetime.now(UTC).isoformat(),
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self.dead_letter_stream, record, maxlen=_DEAD_LETTER_MAX_LENGTH, approximate=True)
            pipe.xack(self.stream, self.group, entry.id)
            pipe.hdel(self._errors_key, entry.id)
            if self.delete_handled:
                pipe.xdel(self.stream, entry.id)
            await pipe.execute()
        DEAD_LETTERS.labels(self.stream, self.group).inc()
        log.error(
            "bus.dead_lettered",
            stream=self.stream,
            group=self.group,
            entry_id=entry.id,
            deliveries=entry.deliveries,
            error=reason,
        )

    async def prune_departed(self, *, idle_ms: int = DEPARTED_AFTER_MS) -> list[str]:
        """Forget consumers that hold nothing and were last seen long ago: every restart names a new consumer
        (host and pid), and without this a group lists every process that ever ran."""
        departed = []
        for consumer in await self.redis.xinfo_consumers(self.stream, self.group):
            name = text(consumer["name"])
            if int(consumer["pending"]) == 0 and int(consumer["idle"]) >= idle_ms:
                # XGROUP DELCONSUMER drops pending entries too: only ever called for consumers that hold none.
                await self.redis.xgroup_delconsumer(self.stream, self.group, name)
                departed.append(name)
        if departed:
            log.info("bus.consumers_pruned", stream=self.stream, group=self.group, count=len(departed))
        return departed


def _decoded(fields: dict[Any, Any]) -> dict[str, str]:
    return {text(k): text(v) for k, v in fields.items()}


def _describe(exc: BaseException) -> str:
    first_line = str(exc).split("\n", 1)[0]
    return f"{type(exc).__name__}: {first_line}"[:500]


class Ticker:
    """Says when something periodic is due (reclaiming, pruning), on the monotonic clock."""

    def __init__(self, every_seconds: float, *, due_now: bool = True) -> None:
        self._every = every_seconds
        self._last = float("-inf") if due_now else time.monotonic()

    def due(self) -> bool:
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            return True
        return False
