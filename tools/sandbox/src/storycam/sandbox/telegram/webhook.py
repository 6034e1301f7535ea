"""Webhook delivery: a bot's pending updates POSTed to its URL one at a time, in ``update_id`` order.

An update leaves the queue only when the webhook answers 2xx. A failure (an error status, a refused connection,
a timeout) is remembered for ``getWebhookInfo`` and retried after a growing pause, in a background task, so the
emulator keeps answering meanwhile. Setting or deleting the webhook cancels the task at once, so nothing is
POSTed to a URL after it was replaced or deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.updates import UpdateQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret

# A webhook may answer with a Bot API call ({"method": "sendMessage", ...}); Telegram performs it.
ReplyHandler = Callable[[Json], Awaitable[None]]


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None

    def as_info(self) -> Json:
        info: Json = {"url": self.url, "max_connections": self.max_connections}
        if self.allowed_updates is not None:
            info["allowed_updates"] = self.allowed_updates
        return info


@dataclass(frozen=True)
class RetryPolicy:
    initial_delay: float = 1.0
    max_delay: float = 60.0
    request_timeout: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.initial_delay * 2 ** max(0, failures - 1)))


class WebhookDelivery:
    def __init__(self, updates: UpdateQueue, http: Callable[[], httpx.AsyncClient], retry: RetryPolicy) -> None:
        self._updates = updates
        self._http = http
        self._retry = retry
        self._task: asyncio.Task[None] | None = None
        self.webhook: Webhook | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.on_reply: ReplyHandler | None = None

    def active(self) -> bool:
        return self.webhook is not None

    def set(self, webhook: Webhook) -> None:
        self._http()  # an emulator whose lifespan has not started fails here, not later in the background
        self._stop()
        self.webhook = webhook
        self.last_error_date = self.last_error_message = None
        self._task = asyncio.create_task(self._deliver(webhook), name=f"webhook {webhook.url}")

    def delete(self) -> None:
        self._stop()
        self.webhook = None

    async def close(self) -> None:
        task = self._task
        self._stop()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def as_info(self) -> Json:
        info: Json = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        if self.webhook is not None:
            info |= self.webhook.as_info()
        if self.last_error_date is not None:
            info |= {"last_error_date": self.last_error_date, "last_error_message": self.last_error_message}
        return info

    def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _deliver(self, webhook: Webhook) -> None:
        failures = 0
        while True:
            update = self._updates.first()
            if update is None:
                await self._updates.wait(3600)
                continue
            if await self._post(webhook, update):
                self._updates.remove_first(update["update_id"])
                failures = 0
            else:
                failures += 1
                await asyncio.sleep(self._retry.delay(failures))

    async def _post(self, webhook: Webhook, update: Json) -> bool:
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            response = await self._http().post(
                webhook.url, json=update, headers=headers, timeout=self._retry.request_timeout
            )
        except httpx.HTTPError as error:
            return self._failed(webhook, update, f"Connection failed: {type(error).__name__}")
        if not response.is_success:
            return self._failed(
                webhook, update, f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
            )
        log.debug("webhook.delivered update_id=%s url=%s", update["update_id"], webhook.url)
        await self._perform_reply(response)
        return True

    def _failed(self, webhook: Webhook, update: Json, message: str) -> bool:
        self.last_error_date, self.last_error_message = int(time.time()), message
        log.warning("webhook.failed update_id=%s url=%s error=%r", update["update_id"], webhook.url, message)
        return False

    async def _perform_reply(self, response: httpx.Response) -> None:
        if self.on_reply is None or "json" not in response.headers.get("content-type", ""):
            return
        try:
            payload = response.json()
        except json.JSONDecodeError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            try:
                await self.on_reply(payload)
            except Exception:  # a broken reply must not stop the deliveries after it
                log.exception("webhook.reply_crashed method=%s", payload["method"])
