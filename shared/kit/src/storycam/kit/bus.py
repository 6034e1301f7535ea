"""The Redis Streams bus: publish contract events, consume them in consumer groups.

Written on redis-py directly rather than a framework such as FastStream, because the platform needs exactly
these semantics and each is a few lines over the Redis commands:

* consumer group and consumer named explicitly; a handler that returns acks, one that raises leaves the entry
  pending (nack);
* entries another consumer left pending longer than ``min_idle`` are reclaimed with ``XAUTOCLAIM``;
* the delivery count Redis keeps per entry decides when a message is dead-lettered to ``<stream>.dead`` with the
  last error, so a poison message (even one that kills its worker) never loops forever and is never dropped;
* the W3C trace context travels in each entry, and the consumer's span continues the producer's trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Gauge, Histogram
from pydantic import BaseModel, TypeAdapter, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from storycam.kit.logging import get_logger
from storycam.kit.tasks import stop_tasks

log = get_logger(__name__)
tracer = trace.get_tracer("storycam.kit.bus")

DEAD_LETTER_SUFFIX = ".dead"
DEPARTED_AFTER_MS = 24 * 3600 * 1000  # a consumer idle this long, holding nothing, is a process that is gone
_PRUNE_EVERY_SECONDS = 600.0

PUBLISHED = Counter("storycam_bus_published_total", "Events published to a stream", ["stream"])
HANDLED = Counter(
    "storycam_bus_handled_total", "Stream entries handled by a consumer group", ["stream", "group", "outcome"]
)
DEAD_LETTERS = Counter("storycam_bus_dead_letters_total", "Entries moved to a dead-letter stream", ["stream", "group"])
PENDING = Gauge("storycam_bus_pending_messages", "Entries delivered but not yet acknowledged", ["stream", "group"])
HANDLE_SECONDS = Histogram("storycam_bus_handle_seconds", "Time to handle one entry", ["stream", "group"])

T = TypeVar("T")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class StreamBus:
    """Publishes events. One per process, made by the service lifespan."""

    def __init__(self, redis: Redis, *, max_length: int = 100_000) -> None:
        self.redis = redis
        self._max_length = max_length

    async def publish(self, stream: str, event: BaseModel) -> str:
        """Append ``event`` to ``stream`` and return the entry id. The current trace context goes with it."""
        return await self.publish_raw(stream, event.model_dump_json())

    async def publish_raw(self, stream: str, data: str, trace_carrier: dict[str, str] | None = None) -> str:
        """Append already-serialised event JSON; ``trace_carrier`` continues a trace saved earlier (the outbox)."""
        parent = propagate.extract(trace_carrier) if trace_carrier else None
        with tracer.start_as_current_span(f"{stream} publish", context=parent, kind=SpanKind.PRODUCER) as span:
            span.set_attribute("messaging.system", "redis")
            span.set_attribute("messaging.destination.name", stream)
            fields: dict[Any, Any] = {
                "data": data,
                "published_at": datetime.now(UTC).isoformat(),
            }
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            fields.update(carrier)
            entry_id = _text(await self.redis.xadd(stream, fields, maxlen=self._max_length, approximate=True))
            span.set_attribute("messaging.message.id", entry_id)
        PUBLISHED.labels(stream).inc()
        return entry_id


@dataclass(frozen=True)
class Delivery:
    """What a handler learns about the entry besides the event itself."""

    stream: str
    entry_id: str
    deliveries: int
    published_at: str | None


Handler = Callable[[T, Delivery], Awaitable[None]]


@dataclass
class Subscription(Generic[T]):
    """A consumer group reading one stream. ``schema`` is a model or a discriminated union of models."""

    stream: str
    group: str
    schema: Any
    handler: Handler[T]
    max_deliveries: int = 5
    min_idle_ms: int = 30_000
    batch: int = 16
    block_ms: int = 1_000
    start_id: str = "$"
    _adapter: TypeAdapter[T] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._adapter = TypeAdapter(self.schema)

    @property
    def dead_letter_stream(self) -> str:
        return self.stream + DEAD_LETTER_SUFFIX


async def prune_departed_consumers(
    redis: Redis, stream: str, group: str, *, idle_ms: int = DEPARTED_AFTER_MS
) -> list[str]:
    """Forget consumers that hold nothing and were last seen long ago: every restart names a new consumer
    (host and pid), and without this a group lists every process that ever ran."""
    departed = []
    for consumer in await redis.xinfo_consumers(stream, group):
        name = _text(consumer["name"])
        if int(consumer["pending"]) == 0 and int(consumer["idle"]) >= idle_ms:
            # XGROUP DELCONSUMER drops pending entries too: only ever called for consumers that hold none.
            await redis.xgroup_delconsumer(stream, group, name)
            departed.append(name)
    if departed:
        log.info("bus.consumers_pruned", stream=stream, group=group, count=len(departed))
    return departed


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


class StreamConsumer(Generic[T]):
    """Runs one named consumer of a subscription until stopped. Entries are handled one at a time, in order."""

    def __init__(self, redis: Redis, subscription: Subscription[T], consumer: str) -> None:
        self.redis = redis
        self.sub = subscription
        self.consumer = consumer
        self._stopping = asyncio.Event()
        self._reclaim_cursor = "0-0"
        self._last_reclaim = 0.0
        self._last_prune = time.monotonic()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        sub = self.sub
        log.info("bus.consumer_started", stream=sub.stream, group=sub.group, consumer=self.consumer)
        backoff = 0.1
        group_ready = False
        while not self._stopping.is_set():
            try:
                if not group_ready:  # here, not before the loop: Redis may be away when the service starts
                    await ensure_group(self.redis, sub.stream, sub.group, sub.start_id)
                    group_ready = True
                handled = await self.run_once()
                backoff = 0.1
                if not handled:
                    await asyncio.sleep(0)
            except asyncio.CancelledError:
                raise
            except ResponseError as exc:
                if not stream_was_lost(exc):
                    raise
                # The stream or group is gone (Redis flushed, or restarted without persistence): make it again.
                log.warning("bus.group_recreated", stream=sub.stream, group=sub.group)
                await ensure_group(self.redis, sub.stream, sub.group, sub.start_id)
            except (RedisError, OSError) as exc:
                # Redis away: keep trying with a capped back-off; the entries wait safely in the stream.
                log.warning("bus.redis_unavailable", stream=sub.stream, error=str(exc), retry_in=backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
                backoff = min(backoff * 2, 5.0)
        log.info("bus.consumer_stopped", stream=sub.stream, group=sub.group, consumer=self.consumer)

    async def run_once(self) -> int:
        """Reclaim idle entries when due, then read new ones. Returns how many entries were handled."""
        handled = 0
        now = time.monotonic()
        if now - self._last_reclaim >= self.sub.min_idle_ms / 2000:
            self._last_reclaim = now
            handled += await self._reclaim()
        response: Any = await self.redis.xreadgroup(
            self.sub.group,
            self.consumer,
            {self.sub.stream: ">"},
            count=self.sub.batch,
            block=self.sub.block_ms,
        )
        for _stream, entries in response or []:
            for entry_id, fields in entries:
                await self._handle(_text(entry_id), fields, deliveries=1)
                handled += 1
        return handled

    async def _reclaim(self) -> int:
        sub = self.sub
        reply: Any = await self.redis.xautoclaim(
            sub.stream,
            sub.group,
            self.consumer,
            min_idle_time=sub.min_idle_ms,
            start_id=self._reclaim_cursor,
            count=sub.batch,
        )
        cursor, entries = reply[0], reply[1]
        self._reclaim_cursor = _text(cursor)
        for entry_id, fields in entries:
            entry = _text(entry_id)
            await self._handle(entry, fields, deliveries=await self._delivery_count(entry))
        pending = await self.redis.xpending(sub.stream, sub.group)
        PENDING.labels(sub.stream, sub.group).set(int(pending["pending"]))
        if time.monotonic() - self._last_prune >= _PRUNE_EVERY_SECONDS:
            self._last_prune = time.monotonic()
            await prune_departed_consumers(self.redis, sub.stream, sub.group)
        return len(entries)

    async def _delivery_count(self, entry_id: str) -> int:
        rows = await self.redis.xpending_range(self.sub.stream, self.sub.group, entry_id, entry_id, 1)
        return int(rows[0]["times_delivered"]) if rows else 1

    async def _handle(self, entry_id: str, raw: dict[Any, Any], *, deliveries: int) -> None:
        sub = self.sub
        fields = {_text(k): _text(v) for k, v in raw.items()}
        parent = propagate.extract(fields)
        with (
            tracer.start_as_current_span(f"{sub.stream} process", context=parent, kind=SpanKind.CONSUMER) as span,
            HANDLE_SECONDS.labels(sub.stream, sub.group).time(),
        ):
            span.set_attribute("messaging.system", "redis")
            span.set_attribute("messaging.destination.name", sub.stream)
            span.set_attribute("messaging.consumer.group.name", sub.group)
            span.set_attribute("messaging.message.id", entry_id)
            span.set_attribute("messaging.message.delivery_count", deliveries)
            errors_key = f"{sub.stream}:{sub.group}:last-error"
            if deliveries > sub.max_deliveries:
                # The entry was handed out this often and never acked: its handlers failed, or its workers died.
                last_error = await self.redis.hget(errors_key, entry_id)
                reason = _text(last_error) if last_error else f"no consumer finished it in {deliveries - 1} deliveries"
                await self._dead_letter(entry_id, fields, reason, deliveries, errors_key)
                span.set_status(Status(StatusCode.ERROR, "dead-lettered"))
                return
            try:
                event = sub._adapter.validate_json(fields.get("data", ""))
            except ValidationError as exc:
                # A retry cannot fix a malformed message: dead-letter it at once, with why.
                await self._dead_letter(
                    entry_id, fields, f"malformed event: {exc.errors()[:3]}", deliveries, errors_key
                )
                span.set_status(Status(StatusCode.ERROR, "malformed"))
                return
            delivery = Delivery(sub.stream, entry_id, deliveries, fields.get("published_at"))
            try:
                await sub.handler(event, delivery)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                HANDLED.labels(sub.stream, sub.group, "failed").inc()
                error = f"{type(exc).__name__}: {exc}"[:2000]
                log.warning(
                    "bus.handler_failed",
                    stream=sub.stream,
                    group=sub.group,
                    entry_id=entry_id,
                    deliveries=deliveries,
                    error=error,
                )
                if deliveries >= sub.max_deliveries:
                    await self._dead_letter(entry_id, fields, error, deliveries, errors_key)
                else:
                    async with self.redis.pipeline(transaction=True) as pipe:
                        pipe.hset(errors_key, entry_id, error)
                        pipe.expire(errors_key, 7 * 24 * 3600)
                        await pipe.execute()
                return
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.xack(sub.stream, sub.group, entry_id)
                pipe.hdel(errors_key, entry_id)
                await pipe.execute()
            HANDLED.labels(sub.stream, sub.group, "ok").inc()

    async def _dead_letter(
        self, entry_id: str, fields: dict[str, str], reason: str, deliveries: int, errors_key: str
    ) -> None:
        await dead_letter(self.redis, self.sub.stream, self.sub.group, entry_id, fields, reason, deliveries)
        await self.redis.hdel(errors_key, entry_id)


async def dead_letter(
    redis: Redis, stream: str, group: str, entry_id: str, fields: dict[str, str], reason: str, deliveries: int
) -> None:
    """Move an entry to ``<stream>.dead`` with why, and ack it, in one transaction: never lost, never looping."""
    record: dict[Any, Any] = {
        **fields,
        "original_stream": stream,
        "original_id": entry_id,
        "group": group,
        "error": reason,
        "deliveries": deliveries,
        "dead_at": datetime.now(UTC).isoformat(),
    }
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(stream + DEAD_LETTER_SUFFIX, record, maxlen=100_000, approximate=True)
        pipe.xack(stream, group, entry_id)
        await pipe.execute()
    DEAD_LETTERS.labels(stream, group).inc()
    HANDLED.labels(stream, group, "dead_lettered").inc()
    log.error("bus.dead_lettered", stream=stream, group=group, entry_id=entry_id, deliveries=deliveries, error=reason)


class ConsumerSet:
    """The consumers a service runs, started and stopped by its lifespan."""

    def __init__(self, redis: Redis, service: str, instance: str) -> None:
        self._redis = redis
        self._service = service
        self._instance = instance
        self._consumers: list[StreamConsumer[Any]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, subscription: Subscription[Any], *, workers: int = 1) -> None:
        for n in range(workers):
            name = f"{self._service}-{self._instance}-{n}"
            self._consumers.append(StreamConsumer(self._redis, subscription, name))

    async def start(self) -> None:
        """Create every group now when Redis answers (so nothing published from here on is missed), then run.

        With Redis away the service still starts (and reports not-ready); each consumer creates its group later.
        """
        for consumer in self._consumers:
            try:
                await ensure_group(self._redis, consumer.sub.stream, consumer.sub.group, consumer.sub.start_id)
            except (RedisError, OSError) as exc:
                log.warning("bus.group_deferred", stream=consumer.sub.stream, error=str(exc))
        self._tasks = [asyncio.create_task(c.run(), name=f"consumer:{c.consumer}") for c in self._consumers]

    async def stop(self, grace_seconds: float = 5.0) -> None:
        for consumer in self._consumers:
            consumer.stop()
        await stop_tasks(*self._tasks, grace=grace_seconds)
