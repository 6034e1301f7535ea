from __future__ import annotations

from typing import Literal

from storycam.contracts.base import Contract


class Liveness(Contract):
    status: Literal["alive"] = "alive"
    service: str


class DependencyCheck(Contract):
    ok: bool
    latency_ms: float
    error: str | None = None


class Readiness(Contract):
    status: Literal["ready", "unavailable"]
    service: str
    checks: dict[str, DependencyCheck]


class ServiceInfo(Contract):
    """``GET /internal/v1/about``: what runs, for operators and for the service that calls it."""

    service: str
    version: str
    environment: str
    schema_revision: str | None
