"""The stories that ship with the service, stored at start-up as new versions when they changed.

Seeding runs in the background and retries until PostgreSQL answers, so the service starts (and reports
not-ready) without its database, as every service does; readiness waits for it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from storycam.kit.logging import get_logger
from storycam.kit.uow import unit_of_work
from storycam.story.catalogue import service
from storycam.story.catalogue.files import read_story

log = get_logger(__name__)

BUNDLED_DIR = Path(__file__).resolve().parents[1] / "bundled"


def bundled_stories() -> list[Path]:
    return sorted(p for p in BUNDLED_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


class BundledStories:
    def __init__(self, db: asyncpg.Pool) -> None:
        self._db = db
        self.seeded = asyncio.Event()

    async def seed(self) -> None:
        for directory in bundled_stories():
            async with unit_of_work(self._db) as work:  # each story its own unit: one bad story spoils no other
                imported = await service.store(work, read_story(directory))
            if imported.created:
                log.info("bundled.stored", slug=imported.slug, version=imported.version)

    async def run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.seed()
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("bundled.waiting", error=f"{type(exc).__name__}: {exc}", retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            self.seeded.set()
            return

    async def ready(self) -> None:
        if not self.seeded.is_set():
            raise RuntimeError("the bundled stories are not stored yet")
