"""Builds a service's FastAPI app: lifespan-owned resources, errors, service auth, probes, metrics, tracing."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts
from redis.asyncio import BlockingConnectionPool, Redis
from starlette.routing import Route

from storycam.kit.bus import ConsumerSet, StreamBus
from storycam.kit.db import create_pool
from storycam.kit.errors import install_error_handlers
from storycam.kit.health import PUBLIC_PROBES, default_checks, install_metrics, probe_router
from storycam.kit.hot import HotRoute, HotRoutes
from storycam.kit.logging import get_logger
from storycam.kit.ops import canary_subscription, ops_router
from storycam.kit.outbox import OutboxRelay
from storycam.kit.service_auth import PublicRoute, ServiceAuthMiddleware
from storycam.kit.settings import ServiceSettings
from storycam.kit.state import ServiceState
from storycam.kit.tasks import stop_tasks
from storycam.kit.telemetry import instrument_app

log = get_logger(__name__)

ServiceSetup = Callable[[FastAPI, ServiceState], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes one service: its name, schema, routes, public routes and extra lifespan work."""

    name: str
    schema: str
    version: str
    migrations_dir: Path
    routers: Sequence[APIRouter]
    setup: ServiceSetup | None = None
    # Routes answered without a signature, each with what checks its sender instead; every other route is internal.
    public_routes: Sequence[PublicRoute] = field(default_factory=tuple)
    # High-volume ingress that records its own span and metrics, more cheaply than the generic middleware.
    self_instrumented_paths: Collection[str] = field(default_factory=tuple)
    # The busiest endpoints, answered without the framework's per-request machinery (see storycam.kit.hot); list
    # their paths in self_instrumented_paths too, as they make their own span and metrics.
    hot_routes: Sequence[HotRoute] = field(default_factory=tuple)
    max_body_bytes: int = 1_048_576


# FastAPI's pages about the API, outside production only: they describe the internal routes and change nothing.
_DOCS = tuple(
    PublicRoute(path, "the API's documentation, served outside production only")
    for path in ("/docs", "/openapi.json", "/docs/oauth2-redirect")
)


def public_routes(definition: ServiceDefinition, settings: ServiceSettings) -> tuple[PublicRoute, ...]:
    """Every route the service answers unsigned: the kit's probes, the docs outside production, its own."""
    return (*PUBLIC_PROBES, *(() if settings.is_production else _DOCS), *definition.public_routes)


def _refuse_unrouted(app: FastAPI, public: Iterable[PublicRoute], service: str) -> None:
    """A public path must come with its route: one declared ahead of its route would let unsigned requests reach
    whatever is served there later, without the sender check that route should bring."""
    # Flattened: FastAPI keeps an included router as one entry of app.routes.
    served = {route.path for route in iter_route_contexts(app.routes) if isinstance(route.original_route, Route)}
    unrouted = sorted(route.path for route in public if route.path not in served)
    if unrouted:
        raise ValueError(f"{service}: public paths without a route: {', '.join(unrouted)}")


def instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def create_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = await create_pool(settings.database_url, schema=definition.schema, max_size=settings.database_pool_size)
        # A blocking pool: under a burst, callers wait a moment for a connection instead of failing.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_pool_size,
            timeout=5,
            socket_connect_timeout=2,
            socket_timeout=10,
            health_check_interval=15,
        )
        redis: Redis = Redis(connection_pool=pool)
        bus = StreamBus(redis)
        state = ServiceState(
            service=definition.name,
            schema=definition.schema,
            settings=settings,
            db=db,
            redis=redis,
            bus=bus,
            consumers=ConsumerSet(redis, definition.name, instance_id()),
            outbox=OutboxRelay(db, bus),
        )
        state.readiness_checks.update(default_checks(state))
        state.consumers.add(canary_subscription(definition.name))
        app.state.service = state
        setup = definition.setup(app, state) if definition.setup else nullcontext()
        try:
            async with setup:
                await state.consumers.start()
                relay = asyncio.create_task(state.outbox.run(), name="outbox-relay")
                log.info("service.started", environment=settings.storycam_env.value, port=settings.port)
                try:
                    yield
                finally:
                    state.outbox.stop()
                    await state.consumers.stop()
                    await stop_tasks(relay, grace=5)
        finally:
            await redis.aclose()
            await pool.aclose()
            await db.close()
            log.info("service.stopped")

    docs = not settings.is_production
    app = FastAPI(
        title=f"storycam-{definition.name}",
        version=definition.version,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        # Traces come from OpenTelemetry's FastAPI instrumentation (instrument_app) and metrics from the Prometheus
        # instrumentator; FastAPI's own telemetry would only wrap every request again to find them there.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    app.include_router(probe_router(definition.name))
    app.include_router(ops_router(definition.version))
    for router in definition.routers:
        app.include_router(router)
    install_metrics(app, definition.self_instrumented_paths)
    if definition.hot_routes:
        # Added before the signature check, so it runs inside it (every request it answers is signed).
        app.add_middleware(HotRoutes, routes=definition.hot_routes, max_body_bytes=definition.max_body_bytes)
    public = public_routes(definition, settings)
    _refuse_unrouted(app, public, definition.name)
    app.add_middleware(
        ServiceAuthMiddleware,
        secret=settings.internal_auth_secret.get_secret_value(),
        public_paths={route.path for route in public},
        # The lifespan's client, asked per request (the middleware is made before the lifespan runs).
        redis=lambda: app.state.service.redis,
        max_body_bytes=definition.max_body_bytes,
        max_skew_seconds=settings.internal_auth_max_skew_seconds,
    )
    instrument_app(app, definition.self_instrumented_paths)
    return app
