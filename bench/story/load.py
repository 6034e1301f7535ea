"""Players hitting the story service's REST API: a closed loop for the most it serves, and a paced loop (each
player taking a step on a schedule) for the latency a given rate of steps gets.

The paced loop measures each step from the moment it was due, not from when it was sent, so a server that falls
behind shows it in the latency (no coordinated omission). Requests are signed as the gateway signs them.

The load generator shares the two cores with what it measures, so it uses the lean client of :mod:`bench.http`.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from bench.http import Client
from bench.infra import mean, percentile
from storycam.kit.service_auth import signed_headers

STORY = "bench-labyrinth"


@dataclass
class LoadResult:
    seconds: float = 0.0
    steps: int = 0
    restarts: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.steps / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def mean(self) -> float:
        return mean(self.latencies_ms)


class StoryApi:
    """Signed requests to one story service replica, as the gateway signs them."""

    def __init__(self, client: Client, secret: str) -> None:
        self._client = client
        self._secret = secret

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        data = json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        headers |= signed_headers(
            self._secret, caller="gateway", method="POST", target=path, headers=headers, body=data
        )
        try:
            status, payload = await self._client.post(path, data, headers)
        except OSError:
            return None
        return json.loads(payload) if status == 200 else None


async def _play(
    api: StoryApi, user_id: int, result: LoadResult, *, until: float, period: float | None, offset: float
) -> None:
    chooser = random.Random(user_id)
    base = f"/internal/v1/users/{user_id}/stories/{STORY}"
    await asyncio.sleep(offset)  # players arrive spread over one period, not all in the same millisecond
    reply = await api.post(f"{base}/start", {"language": "en", "restart": True})
    due = time.perf_counter()
    while reply is not None and time.perf_counter() < until:
        if period is not None:
            due += period
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        started = due if period is not None else time.perf_counter()
        if not reply["choices"]:
            reply = await api.post(f"{base}/start", {"language": "en", "restart": True})
            result.restarts += 1
            continue
        body = {"revision": reply["revision"], "index": chooser.randrange(len(reply["choices"]))}
        answer = await api.post(f"{base}/choices", body)
        if answer is None or answer.get("notice"):
            result.errors += 1
            reply = answer if answer is not None else reply
            continue
        reply = answer
        result.steps += 1
        result.latencies_ms.append((time.perf_counter() - started) * 1000)


async def run_players(
    bases: list[str], secret: str, *, players: int, seconds: float, rate: float | None, first_user: int
) -> LoadResult:
    """``players`` playing at once for ``seconds``, spread over the replicas at ``bases`` by user (as a load
    balancer hashing on the user would); with ``rate``, together they take that many steps a second."""
    result = LoadResult()
    clients = [Client(base, limit=players) for base in bases]
    apis = [StoryApi(clients[n % len(clients)], secret) for n in range(players)]
    period = players / rate if rate else None
    began = time.perf_counter()
    until = began + seconds
    try:
        await asyncio.gather(
            *(
                _play(api, first_user + n, result, until=until, period=period, offset=(period or 0) * n / players)
                for n, api in enumerate(apis)
            )
        )
    finally:
        for client in clients:
            client.close()
    result.seconds = time.perf_counter() - began
    return result
