"""Operator endpoints every service has (internal, signed), and the bus canary.

``POST /internal/v1/ops/canary`` publishes a :class:`CanaryPing` on ``ops.canary``; every service consumes that
stream in its own group and records how long the ping took, so one call proves the bus delivers to all of them
and shows one trace across the services.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter
from prometheus_client import Histogram

from storycam.contracts.events import CanaryPing, Streams
from storycam.contracts.health import ServiceInfo
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.db import current_revision
from storycam.kit.deps import Bus, State
from storycam.kit.logging import get_logger

log = get_logger(__name__)

CANARY_LAG = Histogram(
    "storycam_canary_lag_seconds",
    "From canary publish to its handling by a service",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def ops_router(version: str) -> APIRouter:
    router = APIRouter(prefix="/internal/v1", tags=["ops"])

    @router.get("/about")
    async def about(state: State) -> ServiceInfo:
        return ServiceInfo(
            service=state.service,
            version=version,
            environment=state.settings.storycam_env.value,
            schema_revision=await current_revision(state.db, state.schema),
        )

    @router.post("/ops/canary", status_code=202)
    async def canary(state: State, bus: Bus) -> CanaryPing:
        ping = CanaryPing(canary_id=uuid.uuid4(), sent_at=datetime.now(UTC), origin=state.service)
        await bus.publish(Streams.OPS_CANARY, ping)
        return ping

    return router


def canary_subscription(service: str) -> Subscription[CanaryPing]:
    async def on_ping(ping: CanaryPing, delivery: Delivery) -> None:
        lag = (datetime.now(UTC) - ping.sent_at).total_seconds()
        CANARY_LAG.labels(service).observe(max(lag, 0.0))
        log.info("canary.received", canary_id=str(ping.canary_id), origin=ping.origin, lag_seconds=round(lag, 4))

    return Subscription(stream=Streams.OPS_CANARY, group=f"{service}.canary", schema=CanaryPing, handler=on_ping)
