"""The flood row: how fast a well-behaved user is answered while another user of the same partition floods.

One user sends 60 messages in 5 s; meanwhile another, in the same ingress partition (one partition for all), sends
one message a second for 10 s. Telegram's limits are kept as in production (per-chat pacing, the per-user inbound
limit). Measured: from each of the well-behaved user's webhook POSTs to the moment the Telegram stub receives the
answer to that chat (both clocks on this machine).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bench.http import Client
from bench.infra import percentile

FLOODER, NEIGHBOUR = 900_001, 900_002
FLOOD_MESSAGES, FLOOD_SECONDS = 60, 5.0
NEIGHBOUR_MESSAGES = 10


@dataclass(frozen=True)
class FloodResult:
    neighbour_ms: list[float]  # per message of the well-behaved user: webhook POST to the answer's arrival
    unanswered: int

    def percentile(self, p: float) -> float:
        return percentile(self.neighbour_ms, p)


def _update(update_id: int, chat: int, text: str) -> bytes:
    person = {"id": chat, "is_bot": False, "first_name": "Flood", "language_code": "en"}
    message = {"message_id": update_id, "date": 1_790_000_000, "chat": {"id": chat, "type": "private"}}
    return json.dumps({"update_id": update_id, "message": {**message, "from": person, "text": text}}).encode()


async def flood(url: str, secret: str, stub_url: str, first_id: int, *, chats_from: int = 0) -> FloodResult:
    """``chats_from`` moves both people to chats of their own, so each run reads only its own answers."""
    flooder_chat, neighbour_chat = FLOODER + chats_from, NEIGHBOUR + chats_from
    client, path = Client(url, limit=16), urlsplit(url).path
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    ids = iter(range(first_id, first_id + 1000))
    posted: list[float] = []

    async def flooder() -> None:
        began = time.perf_counter()
        for n in range(FLOOD_MESSAGES):
            await client.post(path, _update(next(ids), flooder_chat, f"flood {n}"), headers)
            await asyncio.sleep(max(0.0, began + (n + 1) * FLOOD_SECONDS / FLOOD_MESSAGES - time.perf_counter()))

    async def neighbour() -> None:
        await asyncio.sleep(1.0)  # the flood is under way
        for n in range(NEIGHBOUR_MESSAGES):
            posted.append(time.time())
            await client.post(path, _update(next(ids), neighbour_chat, f"hello {n}"), headers)
            await asyncio.sleep(1.0)

    try:
        await asyncio.gather(flooder(), neighbour())
    finally:
        client.close()
    async with httpx.AsyncClient(base_url=stub_url) as stub:
        deadline = time.monotonic() + 90
        answered: list[float] = []
        while time.monotonic() < deadline:
            answered = (await stub.get(f"/sent/{neighbour_chat}")).json()
            if len(answered) >= len(posted):
                break
            await asyncio.sleep(0.5)
    latencies = [(done - sent) * 1000 for sent, done in zip(posted, sorted(answered), strict=False)]
    return FloodResult(latencies, len(posted) - len(latencies))
