"""Internal endpoints answer only requests signed by a known service; unsigned ones change nothing."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.kit.app import public_routes
from storycam.kit.health import PUBLIC_PROBE_PATHS
from storycam.kit.service_auth import CALLER_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ServiceAuth
from tests.support.services import (
    SERVICE_MODULES,
    TEST_SECRET,
    ServiceModule,
    build,
    head_revision,
    make_settings,
    running,
)


def _refused(reason: str) -> float:
    return REGISTRY.get_sample_value("storycam_internal_requests_refused_total", {"reason": reason}) or 0.0


def _protected_routes(app: FastAPI, service: ServiceModule, database_url: str, redis_url: str) -> list[tuple[str, str]]:
    """Every documented route but the public ones, with path parameters filled in."""
    settings = make_settings(service, database_url, redis_url)
    public = {route.path for route in public_routes(service.definition, settings)}
    routes: list[tuple[str, str]] = []
    for path, operations in app.openapi()["paths"].items():
        if path not in public:
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            routes.extend((method.upper(), concrete) for method in sorted(operations))
    return routes


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_every_internal_route_refuses_unsigned_requests(
    service: ServiceModule, database_url: str, redis_url: str, redis: Redis
) -> None:
    app = build(service, database_url, redis_url)
    routes = _protected_routes(app, service, database_url, redis_url)
    assert routes, f"{service.name} exposes no internal route to check"
    assert ("GET", "/internal/v1/about") in routes
    async with running(app, caller=None) as client:
        before = await redis.xlen(Streams.OPS_CANARY)
        for method, path in routes:
            response = await client.request(method, path, json={"anything": 1})
            assert response.status_code == 401, f"{method} {path} answered {response.status_code} unsigned"
            assert response.json()["error"] == "unauthorized"
        # Refused by default: a path no route documents is refused before routing, not answered 404.
        assert (await client.post("/internal/v1/undocumented")).status_code == 401
        assert (await client.get("/")).status_code == 401
        assert await redis.xlen(Streams.OPS_CANARY) == before, "an unsigned request published an event"


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_signed_requests_pass_and_public_probes_need_no_signature(
    service: ServiceModule, database_url: str, redis_url: str, redis: Redis
) -> None:
    async with running(build(service, database_url, redis_url)) as signed:
        about = await signed.get("/internal/v1/about")
        assert about.status_code == 200
        assert about.json()["service"] == service.name
        assert about.json()["schema_revision"] == head_revision(service)
        async with asyncio.timeout(20):  # a service may get ready a moment after start (story seeds its library)
            while (await signed.get("/readyz", auth=None)).status_code != 200:
                await asyncio.sleep(0.1)
        for path in PUBLIC_PROBE_PATHS:
            response = await signed.get(path, auth=None)
            assert response.status_code == 200, path


async def test_tampered_wrong_key_and_stale_requests_are_refused(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    service = SERVICE_MODULES[0]
    mismatches_before, expired_before = _refused("mismatch"), _refused("expired")
    async with running(build(service, database_url, redis_url), caller=None) as client:
        # Signed with another deployment's secret.
        wrong = await client.post("/internal/v1/ops/canary", auth=ServiceAuth("another-secret" * 4, "story"))
        assert wrong.status_code == 401

        # Signed an hour ago.
        stale = await client.post(
            "/internal/v1/ops/canary", auth=ServiceAuth(TEST_SECRET, "story", clock=lambda: time.time() - 3600)
        )
        assert stale.status_code == 401
        assert "expired" in stale.json()["detail"]

        # A valid signature, but the body changed on the way.
        request = client.build_request("POST", "/internal/v1/ops/canary", content=b'{"a": 1}')
        signed = next(ServiceAuth(TEST_SECRET, "story").auth_flow(request))
        tampered = httpx.Request(
            "POST",
            signed.url,
            content=b'{"a": 2}',
            headers={h: signed.headers[h] for h in (CALLER_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)},
        )
        assert (await client.send(tampered)).status_code == 401

        # A signature made for one caller does not pass under another caller's name.
        request = client.build_request("POST", "/internal/v1/ops/canary")
        signed = next(ServiceAuth(TEST_SECRET, "story").auth_flow(request))
        impersonated = dict(signed.headers)
        impersonated[CALLER_HEADER] = "payments"
        assert (await client.post("/internal/v1/ops/canary", headers=impersonated)).status_code == 401

        assert await redis.xlen(Streams.OPS_CANARY) == 0
        # Refusals never reach the app's HTTP metrics: they are counted by reason where they happen.
        assert _refused("mismatch") - mismatches_before == 3
        assert _refused("expired") - expired_before == 1

        ok = await client.post("/internal/v1/ops/canary", auth=ServiceAuth(TEST_SECRET, "story"))
        assert ok.status_code == 202
        assert await redis.xlen(Streams.OPS_CANARY) == 1


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_oversized_internal_body_is_refused_before_the_app(
    service: ServiceModule, database_url: str, redis_url: str
) -> None:
    async with running(build(service, database_url, redis_url)) as client:
        response = await client.post("/internal/v1/ops/canary", content=b"x" * (service.definition.max_body_bytes + 1))
        assert response.status_code == 413
        assert response.json()["error"] == "payload_too_large"
