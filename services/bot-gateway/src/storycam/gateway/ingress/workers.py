"""Update workers: each replica owns a fair share of partitions and handles their updates in order.

Per partition there is one task and it handles one update at a time, so the updates of a chat (which always land
in the same partition) are handled in the order Telegram sent them, across any number of workers and replicas.
An update is acked only after its handler finished and only while the lease is still ours; a replica that dies
mid-update leaves the entry pending, and the next owner handles it first. Handlers' outbound calls are replayed
from their recorded results on such a redo (see ``outbound.replay``), so a redone update takes effect once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from storycam.gateway.ingress.journal import GROUP, stream_name
from storycam.gateway.ingress.leases import PartitionLeases
from storycam.kit.bus import dead_letter, ensure_group, prune_departed_consumers, stream_was_lost
from storycam.kit.logging import get_logger
from storycam.kit.tasks import cancel_and_wait

log = get_logger(__name__)
tracer = trace.get_tracer("storycam.gateway.ingress")

HANDLED = Counter("storycam_gateway_updates_handled_total", "Updates handled by the workers", ["outcome"])
OWNED = Gauge("storycam_gateway_partitions_owned", "Partitions this replica owns")
# Set by every gateway replica, workers or not: with no worker replica at all, owned (0) < partitions still alerts.
PARTITIONS = Gauge("storycam_gateway_ingress_partitions", "Partitions the updates are spread over (INGRESS_PARTITIONS)")

UpdateHandler = Callable[[dict[str, Any]], Awaitable[None]]


class _LeaseLost(Exception):
    """This replica no longer owns the partition: stop working on it, leave the entry to the new owner."""


class Unhandleable(Exception):
    """The update can never be handled (it is not a Telegram update we can read): dead-letter it without retrying."""


# Deliveries beyond the handler's own attempts that we tolerate from workers dying mid-update.
_CRASH_ALLOWANCE = 2


class UpdateWorkers:
    def __init__(
        self,
        redis: Redis,
        leases: PartitionLeases,
        partitions: int,
        handle: UpdateHandler,
        *,
        attempts: int = 3,
        block_ms: int = 1000,
    ) -> None:
        self._redis = redis
        self._leases = leases
        self._partitions = partitions
        self._handle = handle
        self._attempts = attempts
        self._block_ms = block_ms
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()
        self._lease_interval = leases.ttl_seconds / 3
        PARTITIONS.set(partitions)

    @property
    def owned(self) -> set[int]:
        return set(self._tasks)

    async def run(self) -> None:
        """Keep a fair share of partitions leased and worked on, until stopped."""
        try:
            while not self._stopping.is_set():
                try:
                    await self._balance()
                except (RedisError, OSError) as exc:
                    log.warning("ingress.balance_failed", error=str(exc))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=self._lease_interval)
        finally:
            await self._stop_all()

    def stop(self) -> None:
        self._stopping.set()

    async def _balance(self) -> None:
        replicas = await self._leases.heartbeat()
        share = math.ceil(self._partitions / replicas)
        for partition, task in list(self._tasks.items()):
            if task.done() or not await self._leases.renew(partition):
                log.warning("ingress.partition_lost", partition=partition)
                await self._stop_partition(partition, release=False)
        while len(self._tasks) > share:  # another replica joined: hand partitions over
            await self._stop_partition(max(self._tasks), release=True)
        free = [p for p in range(self._partitions) if p not in self._tasks]
        random.shuffle(free)
        for partition in free:
            if len(self._tasks) >= share:
                break
            if await self._leases.acquire(partition):
                self._tasks[partition] = asyncio.create_task(self._work(partition), name=f"partition-{partition}")
        OWNED.set(len(self._tasks))

    async def _stop_partition(self, partition: int, *, release: bool) -> None:
        await cancel_and_wait(self._tasks.pop(partition))
        if release:
            await self._leases.release(partition)

    async def _stop_all(self) -> None:
        for partition in list(self._tasks):
            with contextlib.suppress(RedisError, OSError):
                await self._stop_partition(partition, release=True)
        with contextlib.suppress(RedisError, OSError):
            await self._leases.leave()
        OWNED.set(0)

    async def _work(self, partition: int) -> None:
        try:
            await self._work_on(partition)
        except _LeaseLost:
            return

    async def _work_on(self, partition: int) -> None:
        stream = stream_name(partition)
        consumer = self._leases.holder
        await ensure_group(self._redis, stream, GROUP, start_id="0")
        await self._finish_pending(partition, stream, consumer)
        while True:
            try:
                reply: Any = await self._redis.xreadgroup(
                    GROUP, consumer, {stream: ">"}, count=16, block=self._block_ms
                )
            except ResponseError as exc:
                if not stream_was_lost(exc):
                    raise
                log.warning("ingress.group_recreated", stream=stream)  # Redis lost the stream (flushed, restarted)
                await ensure_group(self._redis, stream, GROUP, start_id="0")
                continue
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    await self._handle_entry(partition, stream, entry_id.decode(), fields, deliveries=1)

    async def _finish_pending(self, partition: int, stream: str, consumer: str) -> None:
        """Take over everything earlier owners left unacked, oldest first, before anything new."""
        cursor = "0-0"
        while True:
            reply: Any = await self._redis.xautoclaim(
                stream, GROUP, consumer, min_idle_time=0, start_id=cursor, count=100
            )
            cursor = reply[0].decode()
            for entry_id, fields in reply[1]:
                entry = entry_id.decode()
                pending = await self._redis.xpending_range(stream, GROUP, entry, entry, 1)
                deliveries = int(pending[0]["times_delivered"]) if pending else 1
                await self._handle_entry(partition, stream, entry, fields, deliveries=deliveries)
            if cursor == "0-0":
                # Everything pending is ours now; the replicas that held it before and are long gone are forgotten.
                await prune_departed_consumers(self._redis, stream, GROUP)
                return

    async def _handle_entry(
        self, partition: int, stream: str, entry_id: str, raw: dict[bytes, bytes], *, deliveries: int
    ) -> None:
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        if deliveries > self._attempts + _CRASH_ALLOWANCE:
            reason = f"workers stopped {deliveries - 1} times while handling it"
            await dead_letter(self._redis, stream, GROUP, entry_id, fields, reason, deliveries)
            HANDLED.labels("dead_lettered").inc()
            return
        update: dict[str, Any] = json.loads(fields["update"])
        parent = propagate.extract({"traceparent": fields["traceparent"]}) if fields.get("traceparent") else None
        with tracer.start_as_current_span("telegram update", context=parent, kind=SpanKind.CONSUMER) as span:
            span.set_attribute("telegram.update_id", update.get("update_id", -1))
            span.set_attribute("messaging.destination.name", stream)
            for attempt in range(1, self._attempts + 1):
                try:
                    await self._handle(update)
                    break
                except asyncio.CancelledError:
                    raise
                except Unhandleable as exc:
                    log.warning("ingress.update_unhandleable", update_id=update.get("update_id"), error=str(exc))
                    await dead_letter(self._redis, stream, GROUP, entry_id, fields, str(exc), deliveries)
                    HANDLED.labels("dead_lettered").inc()
                    return
                except Exception as exc:
                    span.record_exception(exc)
                    error = f"{type(exc).__name__}: {exc}"[:2000]
                    log.warning(
                        "ingress.update_failed", update_id=update.get("update_id"), attempt=attempt, error=error
                    )
                    if attempt == self._attempts:
                        await dead_letter(self._redis, stream, GROUP, entry_id, fields, error, deliveries)
                        HANDLED.labels("dead_lettered").inc()
                        return
                    await asyncio.sleep(0.2 * attempt)
        if not await self._leases.holds(partition):
            # Lost the lease while handling: the new owner redoes this update, and replay keeps it to one effect.
            log.warning("ingress.lease_lost_before_ack", partition=partition, entry_id=entry_id)
            raise _LeaseLost
        await self._redis.xack(stream, GROUP, entry_id)
        HANDLED.labels("ok").inc()
