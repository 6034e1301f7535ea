"""Background tasks stop for certain at shutdown, even where Python 3.11 loses a cancellation."""

from __future__ import annotations

import asyncio
import random

from redis.asyncio import BlockingConnectionPool, Redis
from structlog.testing import capture_logs

from storycam.kit.tasks import cancel_and_wait, stop_tasks


async def _shrugs_off_one_cancel(started: asyncio.Event, shrugged_off: asyncio.Event) -> None:
    """What a loop over ``asyncio.wait_for`` does when a cancel lands as the inner call finishes (3.11)."""
    started.set()
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            if shrugged_off.is_set():
                raise
            shrugged_off.set()


async def test_a_lost_cancellation_is_repeated() -> None:
    started, shrugged_off = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(_shrugs_off_one_cancel(started, shrugged_off))
    await started.wait()
    task.cancel()
    async with asyncio.timeout(5):
        await shrugged_off.wait()
    assert not task.done()  # one cancel was not enough: the premise
    async with asyncio.timeout(5):
        await cancel_and_wait(task, patience=0.05)
    assert task.cancelled()


async def test_workers_looping_on_redis_commands_always_stop(redis_url: str) -> None:
    """The service's own Redis settings (a socket timeout sends each command through ``wait_for``)."""
    pool = BlockingConnectionPool.from_url(redis_url, max_connections=8, timeout=5, socket_timeout=10)
    client = Redis(connection_pool=pool)

    async def worker() -> None:
        while True:
            await client.xread({"storycam:test:nothing": "$"}, block=20)

    try:
        for _ in range(150):
            task = asyncio.create_task(worker())
            await asyncio.sleep(random.uniform(0, 0.05))
            async with asyncio.timeout(10):
                await cancel_and_wait(task, patience=0.2)
            assert task.cancelled()
    finally:
        await client.aclose()
        await pool.aclose()


async def test_stop_tasks_waits_for_the_willing_cancels_the_rest_and_reports_failures() -> None:
    stop = asyncio.Event()

    async def obliging() -> str:
        await stop.wait()
        return "finished its work"

    async def deaf() -> None:
        await asyncio.sleep(3600)

    async def broken() -> None:
        raise RuntimeError("lost the connection")

    tasks = [
        asyncio.create_task(obliging(), name="obliging"),
        asyncio.create_task(deaf(), name="deaf"),
        asyncio.create_task(broken(), name="broken"),
    ]
    stop.set()
    with capture_logs() as logs:
        await stop_tasks(*tasks, grace=0.3)
    obliging_task, deaf_task, broken_task = tasks
    assert obliging_task.result() == "finished its work"
    assert deaf_task.cancelled()
    assert isinstance(broken_task.exception(), RuntimeError)
    events = {(entry["event"], entry["task"]) for entry in logs}
    assert events == {("task.cancelled_at_shutdown", "deaf"), ("task.failed", "broken")}
