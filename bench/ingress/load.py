"""Webhook load: a closed loop for throughput, an open loop at a fixed rate for latency.

The open loop measures each request from the moment it was due, not from when it was sent, so a server that
falls behind shows it in the latency (no coordinated omission). Requests go through the lean client of
:mod:`bench.http`, so the load generator takes as little as it can of the cores it shares with the servers.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.http import Client
from bench.infra import mean, percentile


@dataclass(frozen=True)
class LoadResult:
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def mean(self) -> float:
        return mean(self.latencies_ms)


class UpdateFactory:
    def __init__(self, chats: int, first_id: int) -> None:
        self._ids = itertools.count(first_id)
        self._chats = chats

    def next(self) -> bytes:
        update_id = next(self._ids)
        chat = 1 + update_id % self._chats
        return json.dumps(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 1_790_000_000,
                    "chat": {"id": chat, "type": "private", "first_name": "Load"},
                    "from": {"id": chat, "is_bot": False, "first_name": "Load", "language_code": "en"},
                    "text": "hello",
                },
            }
        ).encode()


async def _post(client: Client, path: str, secret: str, body: bytes) -> bool:
    """True when the server answered 200; a refused or reset connection counts as a failure, not a crash."""
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    try:
        status, _ = await client.post(path, body, headers)
    except OSError:
        return False
    return status == 200


async def closed_loop(url: str, secret: str, updates: UpdateFactory, *, concurrency: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    ok = sent = 0
    deadline = time.perf_counter() + seconds
    client, path = Client(url, limit=concurrency), urlsplit(url).path

    async def one_client() -> None:
        nonlocal ok, sent
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            sent += 1
            if await _post(client, path, secret, updates.next()):
                ok += 1
                latencies.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    try:
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
    finally:
        client.close()
    elapsed = time.perf_counter() - began
    return LoadResult(sent, ok, elapsed, latencies)


async def open_loop(url: str, secret: str, updates: UpdateFactory, *, rate: float, seconds: float) -> LoadResult:
    latencies: list[float] = []
    ok = 0
    total = int(rate * seconds)
    client, path = Client(url, limit=512), urlsplit(url).path
    began = time.perf_counter()

    async def one(due: float, body: bytes) -> None:
        nonlocal ok
        if await _post(client, path, secret, body):
            ok += 1
            latencies.append((time.perf_counter() - due) * 1000)

    tasks = []
    try:
        for n in range(total):
            due = began + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due, updates.next())))
        await asyncio.gather(*tasks)
    finally:
        client.close()
    elapsed = time.perf_counter() - began
    return LoadResult(total, ok, elapsed, latencies)
