"""``/healthz`` (the process is alive), ``/readyz`` (its dependencies answer) and ``/metrics``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_fastapi_instrumentator import Instrumentator

from storycam.contracts.health import DependencyCheck, Liveness, Readiness
from storycam.kit.service_auth import PublicRoute
from storycam.kit.state import ReadinessCheck, ServiceState

# Called by the orchestrator and Prometheus, which sign nothing; they tell whether the process runs, whether its
# datastores answer, and counters, none of which names a person or holds a secret.
PUBLIC_PROBES = (
    PublicRoute("/healthz", "liveness probe: says only that the process runs"),
    PublicRoute("/readyz", "readiness probe: says only whether PostgreSQL and Redis answer"),
    PublicRoute("/metrics", "scraped by Prometheus: counters and histograms, no personal data"),
)
PUBLIC_PROBE_PATHS = tuple(probe.path for probe in PUBLIC_PROBES)
_CHECK_TIMEOUT_SECONDS = 2.0


def default_checks(state: ServiceState) -> dict[str, ReadinessCheck]:
    async def postgres() -> None:
        await state.db.fetchval("SELECT 1")

    async def redis() -> None:
        await state.redis.ping()

    return {"postgres": postgres, "redis": redis}


async def _run_check(check: ReadinessCheck) -> DependencyCheck:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not ready"; the reason is reported, not raised
        error = type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {str(exc)[:200]}"
        return DependencyCheck(ok=False, latency_ms=_ms(started), error=error)
    return DependencyCheck(ok=True, latency_ms=_ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def probe_router(service: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> Liveness:
        return Liveness(service=service)

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        state: ServiceState | None = getattr(request.app.state, "service", None)
        checks = state.readiness_checks if state else {}
        names = list(checks)
        results = await asyncio.gather(*(_run_check(checks[name]) for name in names))
        report = dict(zip(names, results, strict=True))
        ready = bool(report) and all(r.ok for r in results)
        body = Readiness(status="ready" if ready else "unavailable", service=service, checks=report)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    return router


def install_metrics(app: FastAPI, self_measured: Collection[str] = ()) -> None:
    """HTTP metrics in a registry of the app's own, plus the process-wide ones (bus, runtime) on one page.

    ``self_measured`` paths (hot ingress) keep their own, cheaper metrics and are left out here.
    """
    registry = CollectorRegistry()
    Instrumentator(registry=registry, excluded_handlers=[*PUBLIC_PROBE_PATHS, *self_measured]).instrument(app)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry) + generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
