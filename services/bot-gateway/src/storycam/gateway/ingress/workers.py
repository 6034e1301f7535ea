"""Update workers: each replica owns a fair share of partitions and handles their updates in order per chat.

A partition has one reader at a time (its lease holder), built on the kit's consumer engine
(:class:`~storycam.kit.streams.GroupConsumer`). The reader hands each update to its chat's lane; a lane handles its
chat's updates one at a time, in the order Telegram sent them, while the lanes of other chats go on beside it. So
one chat waiting for its turn to be answered (Telegram's per-chat pacing) never holds back the rest of its
partition. A Stars pre-checkout goes in a lane of its own, beside its chat's: it has 10 s to be answered and
depends on nothing the chat sent before. Before an update joins a lane the user's inbound limit decides on it, so
a flood is cut at the door instead of queueing behind its own answers.

An update is acked only after its handler finished and only while the lease is still ours; a replica that dies
mid-update leaves the entry pending, and the next owner handles it first. Handlers' outbound calls are replayed from
their recorded results on such a redo (see ``outbound.replay``), so a redone update takes effect once.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import math
import random
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.gateway.ingress.journal import GROUP, chat_of, stream_name
from storycam.gateway.ingress.leases import PartitionLeases
from storycam.kit.logging import get_logger
from storycam.kit.streams import Entry, GroupConsumer, NotAcked, Rejected, RetryPolicy
from storycam.kit.tasks import cancel_and_wait, stop_tasks

log = get_logger(__name__)
tracer = trace.get_tracer("storycam.gateway.ingress")

HANDLED = Counter("storycam_gateway_updates_handled_total", "Updates handled by the workers", ["outcome"])
OWNED = Gauge("storycam_gateway_partitions_owned", "Partitions this replica owns")
# Set by every gateway replica, workers or not: with no worker replica at all, owned (0) < partitions still alerts.
PARTITIONS = Gauge("storycam_gateway_ingress_partitions", "Partitions the updates are spread over (INGRESS_PARTITIONS)")


class UpdateHandler(Protocol):
    """Handles one update. ``fresh``: the first try of its first delivery, so nothing of it was done before.
    Returns the keys that exist only for the update's redo (recorded Bot API results): deleted with its ack."""

    def __call__(self, update: dict[str, Any], *, fresh: bool) -> Awaitable[Sequence[str] | None]: ...


# Deliveries beyond the handler's own attempts that we tolerate from workers dying mid-update.
_CRASH_ALLOWANCE = 2
_READ_BATCH = 16
_RECLAIM_BATCH = 100
_QUEUED = 512  # updates read and waiting in a partition's lanes, at most


class Admission(enum.Enum):
    HANDLE = "handle"
    SLOW_DOWN = "slow_down"  # over the user's limit: tell them once, handle nothing
    DROP = "drop"  # over the limit and already told
    BRUSH_OFF = "brush_off"  # a button tap over the limit: its spinner stopped with a short note, nothing handled


class Doorkeeper(Protocol):
    """Decides on an update before it waits for anything, and says "slow down" to a user over their limit."""

    async def admit(self, update: dict[str, Any]) -> Admission: ...

    async def slow_down(self, update: dict[str, Any]) -> None: ...

    async def brush_off(self, update: dict[str, Any]) -> None: ...


class UpdateWorkers:
    def __init__(
        self,
        redis: Redis,
        leases: PartitionLeases,
        partitions: int,
        handle: UpdateHandler,
        *,
        doorkeeper: Doorkeeper | None = None,
        attempts: int = 3,
        block_ms: int = 1000,
        in_flight: int = 4,
    ) -> None:
        self._redis = redis
        self._leases = leases
        self._partitions = partitions
        self._handle = handle
        self._doorkeeper = doorkeeper
        self._retry = RetryPolicy(attempts=attempts, redeliver=False, max_deliveries=attempts + _CRASH_ALLOWANCE)
        self._block_ms = block_ms
        self.in_flight = in_flight
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
        group = GroupConsumer(
            self._redis,
            stream_name(partition),
            GROUP,
            self._leases.holder,
            start_id="0",
            retry=self._retry,
            delete_handled=True,  # the journal is a work queue: a handled update is not kept
        )
        lanes = _ChatLanes(self, group, partition)
        try:
            await group.ensure_group()
            # What earlier owners left unacked goes first, oldest first, before anything new.
            done = False
            while not done:
                entries, done = await group.reclaim(min_idle_ms=0, count=_RECLAIM_BATCH)
                for entry in entries:
                    await lanes.put(_Job(entry, _update_of(entry), Admission.HANDLE))  # admitted when it arrived
            await group.prune_departed()  # the replicas that held those entries, long gone, are forgotten
            while not lanes.lost.is_set():
                for entry in await group.read(count=_READ_BATCH, block_ms=self._block_ms):
                    update = _update_of(entry)
                    await lanes.put(_Job(entry, update, await self._admit(update)))
                lanes.raise_failure()
        finally:
            await lanes.close()

    async def _admit(self, update: dict[str, Any] | None) -> Admission:
        if self._doorkeeper is None or update is None:
            return Admission.HANDLE  # an unreadable update is dead-lettered by its handling, with the reason
        try:
            return await self._doorkeeper.admit(update)
        except (RedisError, OSError) as exc:
            # The limiter is unreachable: serving the user beats silence (the handlers need Redis anyway).
            log.warning("ingress.admission_failed", error=str(exc))
            return Admission.HANDLE

    async def handle_job(self, group: GroupConsumer, partition: int, job: _Job) -> None:
        """Handle one entry in its lane: the update, or the slow-down notice; then ack it."""

        tries = 0

        async def handle(entry: Entry) -> Sequence[str] | None:
            nonlocal tries
            tries += 1
            if job.update is None:
                raise Rejected("not a Telegram update: the journal entry holds no JSON object")
            if job.admission is Admission.HANDLE:
                return await self._handle_traced(job.update, entry, fresh=entry.deliveries == 1 and tries == 1)
            if self._doorkeeper is not None:
                if job.admission is Admission.BRUSH_OFF:
                    await self._doorkeeper.brush_off(job.update)
                else:
                    await self._doorkeeper.slow_down(job.update)
            return None

        async def lease_held() -> None:
            if not await self._leases.holds(partition):
                # Lost the lease while handling: the new owner redoes this update, replay keeps it to one effect.
                log.warning("ingress.lease_lost_before_ack", partition=partition, entry_id=job.entry.id)
                raise NotAcked

        outcome = await group.process(job.entry, handle, before_ack=lease_held)
        if outcome.status == "ok" and job.admission is not Admission.HANDLE:
            HANDLED.labels("throttled").inc()
        else:
            HANDLED.labels(outcome.status).inc()

    async def _handle_traced(self, update: dict[str, Any], entry: Entry, *, fresh: bool) -> Sequence[str] | None:
        traceparent = entry.fields.get("traceparent")
        parent = propagate.extract({"traceparent": traceparent}) if traceparent else None
        with tracer.start_as_current_span("telegram update", context=parent, kind=SpanKind.CONSUMER) as span:
            span.set_attribute("telegram.update_id", update.get("update_id", -1))
            span.set_attribute("messaging.destination.name", entry.stream)
            return await self._handle(update, fresh=fresh)


@dataclass(frozen=True)
class _Job:
    entry: Entry
    update: dict[str, Any] | None  # None: the entry holds no readable update
    admission: Admission

    @property
    def urgent(self) -> bool:
        """A Stars pre-checkout: Telegram wants its answer within 10 s, and it needs nothing the chat did before."""
        return self.update is not None and "pre_checkout_query" in self.update

    @property
    def lane(self) -> int | str:
        """The chat's lane; a lane of its own for what waits for nothing the chat did before (a pre-checkout, a
        throttled tap whose spinner should stop now, not after the chat's queue)."""
        alone = self.urgent or self.admission is Admission.BRUSH_OFF
        chat = chat_of(self.update) if self.update is not None and not alone else None
        return chat if chat is not None else self.entry.id


def _update_of(entry: Entry) -> dict[str, Any] | None:
    try:
        update = json.loads(entry.fields["update"])
    except (KeyError, ValueError):
        return None
    return update if isinstance(update, dict) else None


class _ChatLanes:
    """The chats of one partition side by side: one lane (a queue and a task) per chat with updates waiting, at
    most ``in_flight`` lanes handling an update at once (so a replica's handlers do not pile up on its pool
    connections), at most ``_QUEUED`` updates waiting (the reader waits for room: it never runs ahead without
    bound)."""

    def __init__(self, workers: UpdateWorkers, group: GroupConsumer, partition: int) -> None:
        self._workers = workers
        self._group = group
        self._partition = partition
        self._room = asyncio.Semaphore(_QUEUED)
        self._busy = asyncio.Semaphore(workers.in_flight)
        self._lanes: dict[int | str, asyncio.Queue[_Job]] = {}
        self._tasks: dict[int | str, asyncio.Task[None]] = {}
        self._failure: BaseException | None = None
        self.lost = asyncio.Event()  # the lease went, or a lane failed: the partition stops

    async def put(self, job: _Job) -> None:
        if job.admission is Admission.DROP:
            # Nothing to do for it: acked at once, never waiting behind the user's earlier updates.
            await self._group.process(job.entry, _nothing)
            HANDLED.labels("throttled").inc()
            return
        await self._room.acquire()
        key = job.lane
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = asyncio.Queue()
            self._tasks[key] = asyncio.create_task(self._run(key, lane), name=f"chat-lane-{self._partition}")
        lane.put_nowait(job)

    async def _run(self, key: int | str, lane: asyncio.Queue[_Job]) -> None:
        try:
            while not lane.empty():
                job = lane.get_nowait()
                try:
                    if job.urgent:  # a lane of its own, and no waiting for a slot behind slow chats either
                        await self._workers.handle_job(self._group, self._partition, job)
                    else:
                        async with self._busy:
                            await self._workers.handle_job(self._group, self._partition, job)
                finally:
                    self._room.release()
        except NotAcked:
            self.lost.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis failed under the ack: the partition stops, its next owner redoes it
            self._failure = exc
            self.lost.set()
        finally:
            # Nothing awaits between the empty queue and here, so no job can have joined the lane meanwhile.
            if self._tasks.get(key) is asyncio.current_task():
                del self._tasks[key]
                del self._lanes[key]

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    async def close(self) -> None:
        await stop_tasks(*self._tasks.values(), grace=0)


async def _nothing(_: Entry) -> None:
    return None
