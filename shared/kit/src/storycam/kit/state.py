"""The resources a service's lifespan owns, handed to routes as one typed object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis

from storycam.kit.bus import ConsumerSet, StreamBus
from storycam.kit.outbox import OutboxRelay
from storycam.kit.settings import ServiceSettings

ReadinessCheck = Callable[[], Awaitable[None]]


@dataclass
class ServiceState:
    service: str
    schema: str
    settings: ServiceSettings
    db: asyncpg.Pool
    redis: Redis
    bus: StreamBus
    consumers: ConsumerSet
    outbox: OutboxRelay
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
