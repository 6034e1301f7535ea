"""The Redis Streams bus: publish contract events, consume them in consumer groups.

Written on redis-py directly rather than a framework such as FastStream, because the platform needs exactly
these semantics and each is a few lines over the Redis commands. The consumer-group bookkeeping (reading,
reclaiming idle entries, delivery counts, dead letters, a lost group made again) is the kit's one engine,
:mod:`storycam.kit.streams`; here are what services use of it:

* :class:`StreamBus` publishes a contract event; the W3C trace context travels in each entry;
* a :class:`Subscription` names the stream, the consumer group, the event schema and the handler; a handler that
  returns acks, one that raises leaves the entry pending for a retry, and a malformed event is dead-lettered at
  once; the consumer's span continues the producer's trace;
* :class:`ConsumerSet` runs a service's subscriptions for its lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Gauge, Histogram
from pydantic import BaseModel, TypeAdapter, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.kit.logging import get_logger
from storycam.kit.streams import Entry, GroupConsumer, Rejected, RetryPolicy, Ticker, text
from storycam.kit.tasks import stop_tasks

log = get_logger(__name__)
tracer = trace.get_tracer("storycam.kit.bus")

_PRUNE_EVERY_SECONDS = 600.0

PUBLISHED = Counter("storycam_bus_published_total", "Events published to a stream", ["stream"])
HANDLED = Counter(
    "storycam_bus_handled_total", "Stream entries handled by a consumer group", ["stream", "group", "outcome"]
)
PENDING = Gauge("storycam_bus_pending_messages", "Entries delivered but not yet acknowledged", ["stream", "group"])
HANDLE_SECONDS = Histogram("storycam_bus_handle_seconds", "Time to handle one entry", ["stream", "group"])

T = TypeVar("T")


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
            entry_id = text(await self.redis.xadd(stream, fields, maxlen=self._max_length, approximate=True))
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
    # Only for a stream this group alone reads as a work queue: handled entries are deleted (see GroupConsumer).
    delete_handled: bool = False
    _adapter: TypeAdapter[T] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._adapter = TypeAdapter(self.schema)


class StreamConsumer(Generic[T]):
    """Runs one named consumer of a subscription until stopped, on the kit's consumer engine
    (:class:`~storycam.kit.streams.GroupConsumer`). Entries are handled one at a time, in order; a handler that
    returns acks, one that raises leaves the entry for a retry by redelivery."""

    def __init__(self, redis: Redis, subscription: Subscription[T], consumer: str) -> None:
        self.redis = redis
        self.sub = subscription
        self.consumer = consumer
        self.group = GroupConsumer(
            redis,
            subscription.stream,
            subscription.group,
            consumer,
            start_id=subscription.start_id,
            retry=RetryPolicy(attempts=1, redeliver=True, max_deliveries=subscription.max_deliveries),
            delete_handled=subscription.delete_handled,
        )
        self._stopping = asyncio.Event()
        self._reclaim = Ticker(subscription.min_idle_ms / 2000)
        self._prune = Ticker(_PRUNE_EVERY_SECONDS, due_now=False)

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
                    await self.group.ensure_group()
                    group_ready = True
                handled = await self.run_once()
                backoff = 0.1
                if not handled:
                    await asyncio.sleep(0)
            except asyncio.CancelledError:
                raise
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
        if self._reclaim.due():
            entries, _ = await self.group.reclaim(min_idle_ms=self.sub.min_idle_ms, count=self.sub.batch)
            for entry in entries:
                await self._handle(entry)
            handled += len(entries)
            PENDING.labels(self.sub.stream, self.sub.group).set(await self.group.pending_count())
            if self._prune.due():
                await self.group.prune_departed()
        for entry in await self.group.read(count=self.sub.batch, block_ms=self.sub.block_ms):
            await self._handle(entry)
            handled += 1
        return handled

    async def _handle(self, entry: Entry) -> None:
        sub = self.sub
        parent = propagate.extract(entry.fields)
        with (
            tracer.start_as_current_span(f"{sub.stream} process", context=parent, kind=SpanKind.CONSUMER) as span,
            HANDLE_SECONDS.labels(sub.stream, sub.group).time(),
        ):
            span.set_attribute("messaging.system", "redis")
            span.set_attribute("messaging.destination.name", sub.stream)
            span.set_attribute("messaging.consumer.group.name", sub.group)
            span.set_attribute("messaging.message.id", entry.id)
            span.set_attribute("messaging.message.delivery_count", entry.deliveries)
            outcome = await self.group.process(entry, self._typed)
            HANDLED.labels(sub.stream, sub.group, outcome.status if outcome.status != "retry" else "failed").inc()
            if outcome.status != "ok":
                span.set_status(Status(StatusCode.ERROR, outcome.status))

    async def _typed(self, entry: Entry) -> None:
        try:
            event = self.sub._adapter.validate_json(entry.fields.get("data", ""))
        except ValidationError as exc:
            # A retry cannot fix a malformed message: dead-letter it at once, with where it is wrong.
            raise Rejected(f"malformed event: {_where(exc)}") from None
        delivery = Delivery(entry.stream, entry.id, entry.deliveries, entry.fields.get("published_at"))
        await self.sub.handler(event, delivery)


def _where(exc: ValidationError) -> str:
    """Where a payload is wrong, without the values (they may be what a user wrote)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['type']}" for e in exc.errors()[:3])


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
                await consumer.group.ensure_group()
            except (RedisError, OSError) as exc:
                log.warning("bus.group_deferred", stream=consumer.sub.stream, error=str(exc))
        self._tasks = [asyncio.create_task(c.run(), name=f"consumer:{c.consumer}") for c in self._consumers]

    async def stop(self, grace_seconds: float = 5.0) -> None:
        for consumer in self._consumers:
            consumer.stop()
        await stop_tasks(*self._tasks, grace=grace_seconds)
