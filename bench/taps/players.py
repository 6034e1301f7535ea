"""Players tapping story choices through a bot's webhook, each waiting for the answer that offers the next ones.

A player starts the story (the button a catalogue shows), then, on a schedule (``period`` seconds apart, the
players spread over one period) taps one of the choices the last answer offered. Tap to answer is measured from
when the tap was due (no coordinated omission) until the Bot API call that offers the next choices reaches
Telegram. With ``period`` None a player taps again as soon as it has its answer: the most the bot sustains.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from dataclasses import dataclass, field

from bench.http import Client
from bench.infra import mean, percentile
from bench.taps.telegram import Offer, Telegram

ANSWER_TIMEOUT = 20.0
_update_ids = itertools.count(1)


@dataclass
class TapResult:
    seconds: float = 0.0
    taps: int = 0
    lost: int = 0  # no answer within ANSWER_TIMEOUT
    refused: int = 0  # the webhook did not answer 200
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.taps / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def mean(self) -> float:
        return mean(self.latencies_ms)


def _callback(user_id: int, message_id: int, data: str) -> bytes:
    update_id = next(_update_ids)
    user = {"id": user_id, "is_bot": False, "first_name": f"Player {user_id}", "language_code": "en"}
    return json.dumps(
        {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": user,
                "chat_instance": str(user_id),
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private"},
                    "text": "…",
                },
                "data": data,
            },
        }
    ).encode()


class Webhook:
    def __init__(self, url: str, secret: str, players: int) -> None:
        base, _, self.path = url.partition("/telegram")
        self.path = "/telegram" + self.path
        self._client = Client(base, limit=players)
        self._headers = {"content-type": "application/json", "x-telegram-bot-api-secret-token": secret}

    async def tap(self, user_id: int, message_id: int, data: str) -> bool:
        try:
            status, _ = await self._client.post(self.path, _callback(user_id, message_id, data), self._headers)
        except OSError:
            return False
        return status == 200

    def close(self) -> None:
        self._client.close()


def _next_tap(offer: Offer, chooser: random.Random, start: str) -> str:
    choices = [data for data in offer.buttons if data.startswith("sc:")]
    return chooser.choice(choices) if choices else start  # an ending: play again


async def _play(
    webhook: Webhook,
    telegram: Telegram,
    user_id: int,
    start: str,
    result: TapResult,
    *,
    began: float,
    measure_from: float,
    until: float,
    period: float | None,
    offset: float,
) -> None:
    chooser = random.Random(user_id)
    await asyncio.sleep(max(0.0, began + offset - time.perf_counter()))
    seq = telegram.latest(user_id).seq if telegram.latest(user_id) else 0
    offer: Offer | None = None
    if await webhook.tap(user_id, 1, start):
        offer = await telegram.offer_after(user_id, seq, ANSWER_TIMEOUT)
    due = time.perf_counter()
    while time.perf_counter() < until:
        if offer is None:  # lost or refused: start over, as a player would press the story again
            await asyncio.sleep(1.0)
            seq = telegram.latest(user_id).seq if telegram.latest(user_id) else 0
            offer = await telegram.offer_after(user_id, seq - 1, 0.01) if seq else None
            if offer is None and await webhook.tap(user_id, 1, start):
                offer = await telegram.offer_after(user_id, seq, ANSWER_TIMEOUT)
            due = time.perf_counter()
            continue
        if period is not None:
            due += period
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        tapped_at = due if period is not None else time.perf_counter()
        if tapped_at >= until:
            break
        if not await webhook.tap(user_id, offer.message_id, _next_tap(offer, chooser, start)):
            if tapped_at >= measure_from:
                result.refused += 1
            offer = None
            continue
        answer = await telegram.offer_after(user_id, offer.seq, ANSWER_TIMEOUT)
        if tapped_at >= measure_from:
            if answer is None:
                result.lost += 1
            else:
                result.taps += 1
                result.latencies_ms.append((answer.at - tapped_at) * 1000)
        offer = answer


async def play(
    url: str,
    secret: str,
    telegram: Telegram,
    *,
    first_user: int,
    players: int,
    start: str,
    warm_up: float,
    seconds: float,
    period: float | None,
) -> TapResult:
    """``players`` play for ``warm_up + seconds``; taps due in the last ``seconds`` are measured."""
    webhook = Webhook(url, secret, players)
    result = TapResult(seconds=seconds)
    began = time.perf_counter() + 0.1
    spread = period if period is not None else 1.0
    try:
        await asyncio.gather(
            *(
                _play(
                    webhook,
                    telegram,
                    first_user + n,
                    start,
                    result,
                    began=began,
                    measure_from=began + spread + warm_up,
                    until=began + spread + warm_up + seconds,
                    period=period,
                    offset=spread * n / players,
                )
                for n in range(players)
            )
        )
    finally:
        webhook.close()
    return result
