"""Polling mode, for a developer with a real token and no public URL: getUpdates feeds the same journal.

One poller runs in the whole deployment (a lease in Redis); its offset is kept in Redis so a restart neither
skips nor repeats updates (and a repeat would be dropped by the journal anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from redis.asyncio import Redis

from storycam.gateway.ingress.journal import UpdateJournal
from storycam.gateway.telegram import ALLOWED_UPDATES
from storycam.kit.logging import get_logger

log = get_logger(__name__)
_LEASE_SECONDS = 60


class UpdatePoller:
    def __init__(self, bot: Bot, redis: Redis, journal: UpdateJournal, holder: str) -> None:
        self._bot = bot
        self._redis = redis
        self._journal = journal
        self._holder = holder
        self._stopping = asyncio.Event()
        self._offset_key = f"telegram:poll-offset:{bot.id}"
        self._lease_key = f"telegram:poller:{bot.id}"

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            if await self._holds_lease():
                try:
                    await self.poll_once(wait_seconds=25)
                except (TelegramNetworkError, TelegramServerError) as exc:
                    log.warning("polling.failed", error=str(exc))
                    await asyncio.sleep(2)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=5)

    async def _holds_lease(self) -> bool:
        if await self._redis.set(self._lease_key, self._holder, nx=True, ex=_LEASE_SECONDS):
            return True
        owner = await self._redis.get(self._lease_key)
        if owner is not None and (owner.decode() if isinstance(owner, bytes) else owner) == self._holder:
            await self._redis.expire(self._lease_key, _LEASE_SECONDS)
            return True
        return False

    async def poll_once(self, wait_seconds: int) -> int:
        offset = int(await self._redis.get(self._offset_key) or 0)
        updates = await self._bot.get_updates(
            offset=offset or None,
            timeout=wait_seconds,
            allowed_updates=ALLOWED_UPDATES,
            request_timeout=wait_seconds + 10,
        )
        for update in updates:
            raw = update.model_dump_json(by_alias=True, exclude_none=True)
            await self._journal.append(update.update_id, raw, json.loads(raw))
            await self._redis.set(self._offset_key, update.update_id + 1)
        return len(updates)
