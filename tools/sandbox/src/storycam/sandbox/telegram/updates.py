"""A bot's pending updates: numbered in order, filtered by ``allowed_updates``, confirmed by ``offset``."""

from __future__ import annotations

import asyncio
from collections import deque

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.update_ids import UpdateIds

# Telegram sends every kind but these three unless a bot asks for them by name.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self, ids: UpdateIds) -> None:
        self._pending: deque[Json] = deque()
        self._ids = ids
        self._arrived = asyncio.Event()
        self._poll_generation = 0
        self.allowed_updates: list[str] | None = None

    def wants(self, kind: str) -> bool:
        if not self.allowed_updates:  # unset or empty: Telegram's default set
            return kind not in NOT_SENT_BY_DEFAULT
        return kind in self.allowed_updates

    def push(self, kind: str, payload: Json) -> Json | None:
        """Queue an update; answer it, or None when the bot does not receive this kind."""
        if not self.wants(kind):
            return None
        update: Json = {"update_id": self._ids.next(), kind: payload}
        self._pending.append(update)
        self._wake()
        return update

    def __len__(self) -> int:
        return len(self._pending)

    def first(self) -> Json | None:
        return self._pending[0] if self._pending else None

    def remove_first(self, update_id: int) -> None:
        if self._pending and self._pending[0]["update_id"] == update_id:
            self._pending.popleft()

    def clear(self) -> None:
        self._pending.clear()

    def confirm(self, offset: int) -> None:
        """``getUpdates`` offset: forget updates below it; a negative one keeps only the last ``-offset``."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def take(self, limit: int) -> list[Json]:
        return [update for _, update in zip(range(limit), self._pending, strict=False)]

    def begin_poll(self) -> int:
        """A new ``getUpdates`` call; a poller still waiting learns it was superseded."""
        self._poll_generation += 1
        self._wake()
        return self._poll_generation

    def superseded(self, generation: int) -> bool:
        return generation != self._poll_generation

    async def wait(self, seconds: float) -> None:
        """Return when an update is pending, another poll began, or ``seconds`` passed."""
        if self._pending or seconds <= 0:
            return
        arrived = self._arrived
        try:
            async with asyncio.timeout(seconds):
                await arrived.wait()
        except TimeoutError:
            return

    def _wake(self) -> None:
        # Waiters hold the old event; setting it wakes them all, and later waiters get a fresh one.
        self._arrived.set()
        self._arrived = asyncio.Event()
