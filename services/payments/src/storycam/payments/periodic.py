"""A job every replica runs on a period (sweeping, reminders): the outbox relay's loop, for one callable.

The job itself must be safe with several replicas running it at the same moment (locks, inbox keys): this only
says when. A failed round is logged and the next one comes as usual; ``stop`` ends the loop between rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from storycam.kit.logging import get_logger

log = get_logger(__name__)


class PeriodicJob:
    def __init__(self, name: str, every_seconds: float, round_: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.every_seconds = every_seconds
        self._round = round_
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._round()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # PostgreSQL away, a bug in one round: the next round tries again
                log.warning("job.failed", job=self.name, error=f"{type(exc).__name__}: {exc}"[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.every_seconds)

    def stop(self) -> None:
        self._stopping.set()
