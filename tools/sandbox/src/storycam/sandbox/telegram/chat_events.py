"""What the web chat watches: changes to each private chat, fanned out to every open page."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from storycam.sandbox.telegram.accounts import Json

# A page that stops reading must not make the emulator hold memory for ever; it reloads the chat when it returns.
QUEUE_LIMIT = 1000


class ChatEvents:
    def __init__(self) -> None:
        self._watchers: defaultdict[int, set[asyncio.Queue[Json]]] = defaultdict(set)

    def subscribe(self, user_id: int) -> asyncio.Queue[Json]:
        queue: asyncio.Queue[Json] = asyncio.Queue(QUEUE_LIMIT)
        self._watchers[user_id].add(queue)
        return queue

    def unsubscribe(self, user_id: int, queue: asyncio.Queue[Json]) -> None:
        self._watchers[user_id].discard(queue)

    def publish(self, user_id: int, event: Json) -> None:
        for queue in self._watchers.get(user_id, ()):
            if not queue.full():
                queue.put_nowait(event)

    def broadcast(self, event: Json) -> None:
        for user_id in list(self._watchers):
            self.publish(user_id, event)
