"""Stopping background tasks for certain.

On Python 3.11 a cancellation can be lost: ``asyncio.wait_for`` returns the inner result instead of raising
``CancelledError`` when the cancel lands just as the inner operation finishes (fixed in 3.12, gh-86296). redis-py
sends every command through ``wait_for``, so a worker looping on Redis commands ignores about one cancel in thirty
and carries on as if never cancelled; a plain ``task.cancel(); await task`` then waits forever, and shutdown hangs
until something outside kills the process. ``cancel_and_wait`` cancels again until the task has ended.
"""

from __future__ import annotations

import asyncio
from typing import Any

from storycam.kit.logging import get_logger

log = get_logger(__name__)


async def cancel_and_wait(*tasks: asyncio.Task[Any], patience: float = 1.0) -> None:
    """Cancel the tasks and return once every one has ended, cancelling again each ``patience`` seconds.

    The tasks' own exceptions are retrieved and dropped (they are ending because we asked). If the caller itself is
    cancelled meanwhile, the tasks are cancelled once more and the caller's cancellation goes on.
    """
    pending = {task for task in tasks if not task.done()}
    try:
        while pending:
            for task in pending:
                task.cancel()
            _done, pending = await asyncio.wait(pending, timeout=patience)
    except asyncio.CancelledError:
        for task in pending:
            task.cancel()
        raise
    finally:
        for task in tasks:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: no "exception was never retrieved" at garbage collection


async def stop_tasks(*tasks: asyncio.Task[Any], grace: float) -> None:
    """Give tasks already told to stop ``grace`` seconds to end by themselves, then cancel the ones still running.

    A task that ended with an error is logged with it, so a background loop that died is not lost at shutdown.
    """
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        log.warning("task.cancelled_at_shutdown", task=task.get_name(), grace_seconds=grace)
    await cancel_and_wait(*pending)
    for task in done:
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("task.failed", task=task.get_name(), error=f"{type(error).__name__}: {error}")
