"""How long Kiss Cam's objects live in storage: photos until their job ends, clips for the retention period; the
sweeper removes anything older, even what a crash left behind."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Final

from storycam.kit.logging import get_logger
from storycam.kit.storage import Storage, check_key

log = get_logger(__name__)

INPUTS: Final = "inputs"
CLIPS: Final = "clips"
# A stored clip is handed out again only while this much of its retention is left: the gateway needs a moment to
# upload it before the sweeper may take it.
REUSE_MARGIN: Final = timedelta(minutes=15)


def clip_key(digest: str, style: str, provider: str) -> str:
    return check_key(f"{CLIPS}/{digest}-{style}-{provider}.mp4")


async def delete_objects(storage: Storage, keys: list[str]) -> None:
    """Delete these objects (a job's photos, an erased user's clips); one that will not go is left to the sweeper."""
    for key in keys:
        try:
            await storage.delete(key)
        except Exception as error:  # the sweeper removes it later: a job's end never fails on its photos
            log.warning("kisscam.input_not_deleted", error=type(error).__name__)


class Sweeper:
    """Removes photos and clips older than the retention, every ``interval`` seconds."""

    def __init__(self, storage: Storage, retention: timedelta, interval: float) -> None:
        self._storage = storage
        self._retention = retention
        self._interval = interval
        self._stopping = asyncio.Event()

    async def sweep_once(self, now: datetime | None = None) -> int:
        cutoff = (now or datetime.now(UTC)) - self._retention
        removed = 0
        for prefix in (INPUTS, CLIPS):
            removed += await self._storage.sweep(prefix, cutoff)
        if removed:
            log.info("kisscam.swept", removed=removed)
        return removed

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # storage away: try again next time
                log.warning("kisscam.sweep_failed", error=f"{type(error).__name__}: {error}"[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)

    def stop(self) -> None:
        self._stopping.set()
