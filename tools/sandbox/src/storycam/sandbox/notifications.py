"""Notifications the payment emulators POST to a shop's server, as the providers do: in the background, retried
with a growing pause until the server answers 200 or the attempts run out, from a fixed source address when one
is configured (the payments service accepts YooKassa's notifications only from YooKassa's networks).

Every notification is kept as a ``Delivery`` with its attempts, so an operator (or a test) sees what was sent,
what the server answered and whether it is still being retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

log = logging.getLogger(__name__)

DeliveryState = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often and how patiently: the first attempt at once, then ``initial_delay`` growing by ``factor`` up to
    ``max_delay``, ``attempts`` in all (YooKassa keeps trying for about a day; the sandbox stops sooner)."""

    attempts: int = 10
    initial_delay: float = 1.0
    max_delay: float = 300.0
    request_timeout: float = 10.0
    factor: float = 2.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.initial_delay * self.factor ** max(0, failures - 1)))


@dataclass
class Attempt:
    at: datetime
    status_code: int | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "status_code": self.status_code, "error": self.error}


@dataclass
class Delivery:
    id: int
    url: str
    kind: str  # "payment.succeeded", "p2p-incoming", …
    object_id: str  # the payment, refund or operation the notification is about
    json: Any = None
    form: Mapping[str, str] | None = None
    state: DeliveryState = "pending"
    attempts: list[Attempt] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind,
            "object_id": self.object_id,
            "state": self.state,
            "attempts": [attempt.as_json() for attempt in self.attempts],
            "body": self.json if self.json is not None else dict(self.form or {}),
        }


class Notifier:
    """Sends and retries notifications; its HTTP client (bound to ``source_address``) lives from ``start`` to
    ``stop``, and ``stop`` cancels the deliveries still being retried."""

    def __init__(self, policy: DeliveryPolicy, source_address: str | None = None) -> None:
        self.policy = policy
        self.source_address = source_address
        self.deliveries: list[Delivery] = []
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._changed = asyncio.Condition()

    async def start(self) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=self.source_address) if self.source_address else None
        self._http = httpx.AsyncClient(transport=transport, follow_redirects=False)

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def send(
        self, url: str, *, kind: str, object_id: str, json: Any = None, form: Mapping[str, str] | None = None
    ) -> Delivery:
        """Queue one notification (a JSON body or a urlencoded form); it is sent in the background."""
        if self._http is None:
            raise RuntimeError("the notifier is not started (the app's lifespan starts it)")
        delivery = Delivery(next(self._ids), url, kind, object_id, json=json, form=form)
        self.deliveries.append(delivery)
        task = asyncio.create_task(self._deliver(delivery), name=f"notify {kind} {object_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    async def wait_until_settled(self, delivery: Delivery) -> None:
        """Until the delivery is delivered or given up (for tests and the control API)."""
        async with self._changed:
            await self._changed.wait_for(lambda: delivery.state != "pending")

    async def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(1, self.policy.attempts + 1):
            if await self._post(delivery):
                await self._settle(delivery, "delivered")
                return
            if attempt < self.policy.attempts:
                await asyncio.sleep(self.policy.delay(attempt))
        log.warning("notification.gave_up kind=%s object_id=%s url=%s", delivery.kind, delivery.object_id, delivery.url)
        await self._settle(delivery, "failed")

    async def _post(self, delivery: Delivery) -> bool:
        assert self._http is not None
        record = Attempt(datetime.now(UTC))
        delivery.attempts.append(record)
        try:
            response = await self._http.post(
                delivery.url, json=delivery.json, data=delivery.form, timeout=self.policy.request_timeout
            )
        except httpx.HTTPError as error:
            record.error = type(error).__name__
            log.info("notification.failed kind=%s url=%s error=%s", delivery.kind, delivery.url, record.error)
            return False
        record.status_code = response.status_code
        if response.status_code != 200:  # YooKassa and YooMoney take only a 200 as "received"
            log.info("notification.refused kind=%s url=%s status=%s", delivery.kind, delivery.url, record.status_code)
            return False
        log.debug("notification.delivered kind=%s object_id=%s", delivery.kind, delivery.object_id)
        return True

    async def _settle(self, delivery: Delivery, state: DeliveryState) -> None:
        async with self._changed:
            delivery.state = state
            self._changed.notify_all()
