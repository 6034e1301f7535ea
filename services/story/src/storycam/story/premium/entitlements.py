"""Entitlements from the payments service, briefly cached in Redis.

Only a "yes" is cached (30 s, or until the subscription ends if sooner): a player who has just paid must not be
shown the paywall again for half a minute. When payments does not answer, the player is not premium *right now*
and gets a paywall that says so; a story step never fails because payments did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from prometheus_client import Counter
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storycam.contracts.entitlements import Entitlements
from storycam.kit.logging import get_logger

log = get_logger(__name__)

CHECKS = Counter("storycam_story_entitlement_checks_total", "Premium checks by where the answer came from", ["source"])
CACHE_SECONDS = 30


@dataclass(frozen=True)
class Premium:
    active: bool
    known: bool = True  # false: payments did not answer, so premium is off until it does


class PaymentsEntitlements:
    def __init__(self, http: httpx.AsyncClient, redis: Redis) -> None:
        self._http = http
        self._redis = redis

    async def forget(self, user_id: int) -> None:
        """The remembered premium of a user who asked to be erased."""
        await self._redis.delete(_key(user_id))

    async def premium(self, user_id: int) -> Premium:
        key = _key(user_id)
        try:
            if await self._redis.exists(key):
                CHECKS.labels("cache").inc()
                return Premium(active=True)
        except RedisError:
            pass
        try:
            response = await self._http.get(f"/internal/v1/users/{user_id}/entitlements")
            response.raise_for_status()
            entitlements = Entitlements.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            CHECKS.labels("unavailable").inc()
            log.warning("entitlements.unavailable", error=f"{type(exc).__name__}: {str(exc)[:200]}")
            return Premium(active=False, known=False)
        CHECKS.labels("payments").inc()
        if entitlements.premium:
            await self._remember(key, entitlements.premium_until)
        return Premium(active=entitlements.premium)

    async def _remember(self, key: str, until: datetime | None) -> None:
        seconds = CACHE_SECONDS
        if until is not None:
            seconds = min(seconds, int((until - datetime.now(UTC)).total_seconds()))
        if seconds < 1:
            return
        try:
            await self._redis.set(key, b"1", ex=seconds)
        except RedisError as exc:
            log.warning("entitlements.cache_failed", error=str(exc))


def _key(user_id: int) -> str:
    return f"story:premium:{user_id}"
