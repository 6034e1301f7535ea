"""Internal endpoints answer only requests signed by a known service; unsigned ones change nothing."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.clients.stories import StoryClient
from storycam.kit import service_auth
from storycam.kit.app import public_routes
from storycam.kit.health import PUBLIC_PROBE_PATHS
from storycam.kit.http import service_client
from storycam.kit.service_auth import CALLER_HEADER, ServiceAuth
from storycam.story.lifespan import payments_client
from tests.support.services import (
    BY_NAME,
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


def _signing(request: httpx.Request) -> dict[str, str]:
    """The headers that sign ``request`` (all of them, whichever the version of the scheme)."""
    return {name: value for name, value in request.headers.items() if name.startswith("x-storycam-")}


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

        # A timestamp of digits that are not ASCII ("²" is a digit to Python, not to int()): refused, not a 500.
        request = client.build_request("POST", "/internal/v1/ops/canary")
        signing = _signing(next(ServiceAuth(TEST_SECRET, "story").auth_flow(request)))
        odd = {name.encode(): value.encode() for name, value in signing.items()}
        odd[b"x-storycam-timestamp"] = "²".encode("latin-1")
        assert (await client.post("/internal/v1/ops/canary", headers=odd)).status_code == 401

        # A valid signature, but the body changed on the way.
        request = client.build_request("POST", "/internal/v1/ops/canary", content=b'{"a": 1}')
        signed = next(ServiceAuth(TEST_SECRET, "story").auth_flow(request))
        tampered = httpx.Request("POST", signed.url, content=b'{"a": 2}', headers=_signing(signed))
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
        assert _refused("expired") - expired_before == 2

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


def _again(request: httpx.Request) -> httpx.Request:
    """The same request, byte for byte, as someone who caught it on the wire would send it again."""
    return httpx.Request(request.method, request.url, headers=request.headers.raw, content=request.content)


async def _nonces(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match="storycam:auth-nonce:*")]


async def test_a_signed_state_changing_request_is_accepted_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    replayed_before = _refused("replayed")
    async with running(build(SERVICE_MODULES[0], database_url, redis_url), caller=None) as client:
        signed = next(
            ServiceAuth(TEST_SECRET, "story").auth_flow(client.build_request("POST", "/internal/v1/ops/canary"))
        )
        assert (await client.send(signed)).status_code == 202
        await asyncio.sleep(2)  # replayed as it was seen: 2 s later, well inside the 30 s signature window
        replay = await client.send(_again(signed))
        assert replay.status_code == 401
        assert replay.json()["error"] == "unauthorized"
        assert "already accepted" in replay.json()["detail"]
        assert _refused("replayed") - replayed_before == 1
        assert await redis.xlen(Streams.OPS_CANARY) == 1, "the replay published again"

        # The caller's own retry is signed anew, so it is a request of its own and passes.
        retry = await client.post("/internal/v1/ops/canary", auth=ServiceAuth(TEST_SECRET, "story"))
        assert retry.status_code == 202
        assert await redis.xlen(Streams.OPS_CANARY) == 2
        # Nonces are remembered for the window only (timestamp + 30 s + 1 s at the most), not forever.
        nonces = await _nonces(redis)
        assert len(nonces) == 2
        remembered_ms = [await redis.pttl(key) for key in nonces]
        assert all(0 < ms <= 31_000 for ms in remembered_ms), remembered_ms


async def test_copies_of_a_signed_request_sent_at_once_are_accepted_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    """Claims that arrive together go to Redis in one pipeline: still only the first copy passes."""
    replayed_before = _refused("replayed")
    async with running(build(SERVICE_MODULES[0], database_url, redis_url), caller=None) as client:
        signed = next(
            ServiceAuth(TEST_SECRET, "story").auth_flow(client.build_request("POST", "/internal/v1/ops/canary"))
        )
        others = [next(ServiceAuth(TEST_SECRET, "story").auth_flow(_again(signed))) for _ in range(3)]
        answers = await asyncio.gather(*(client.send(_again(signed)) for _ in range(5)), *map(client.send, others))
        assert sorted(a.status_code for a in answers[:5]) == [202, 401, 401, 401, 401]
        assert [a.status_code for a in answers[5:]] == [202, 202, 202], "other requests in the batch pass"
        assert _refused("replayed") - replayed_before == 4
        assert await redis.xlen(Streams.OPS_CANARY) == 4


async def test_a_replayed_read_is_answered_and_nothing_is_remembered_for_it(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    """Decided: a GET or HEAD changes nothing, so its replay inside the window reads what the original could read;
    remembering every lookup's nonce would cost each of them a Redis round trip for no protection of state."""
    async with running(build(SERVICE_MODULES[0], database_url, redis_url), caller=None) as client:
        signed = next(ServiceAuth(TEST_SECRET, "story").auth_flow(client.build_request("GET", "/internal/v1/about")))
        assert (await client.send(signed)).status_code == 200
        assert (await client.send(_again(signed))).status_code == 200
        assert await _nonces(redis) == []


async def test_a_signature_does_not_survive_a_changed_content_type_or_a_doubled_header(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    mismatches_before = _refused("mismatch")
    async with running(build(SERVICE_MODULES[0], database_url, redis_url), caller=None) as client:
        request = client.build_request("POST", "/internal/v1/ops/canary", json={"a": 1})
        signed = next(ServiceAuth(TEST_SECRET, "story").auth_flow(request))
        retyped = {**_signing(signed), "content-type": "application/x-www-form-urlencoded"}
        assert (
            await client.post("/internal/v1/ops/canary", content=signed.content, headers=retyped)
        ).status_code == 401
        # A second Content-Type in front of the signed one: the app would read the first, the check the last.
        doubled = [(b"content-type", b"text/plain"), *signed.headers.raw]
        response = await client.send(httpx.Request("POST", signed.url, headers=doubled, content=signed.content))
        assert response.status_code == 401
        assert _refused("mismatch") - mismatches_before == 2
        assert await redis.xlen(Streams.OPS_CANARY) == 0


async def test_without_redis_a_state_changing_request_is_refused_not_accepted_unchecked(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    app = build(SERVICE_MODULES[0], database_url, redis_url)
    unavailable_before = _refused("store_unavailable")
    async with running(app, caller="story") as client:
        state = app.state.service
        reachable, state.redis = state.redis, Redis.from_url("redis://127.0.0.1:9/0")  # nothing listens there
        try:
            response = await client.post("/internal/v1/ops/canary")
            assert response.status_code == 503
            assert response.json()["error"] == "dependency_unavailable"
            assert _refused("store_unavailable") - unavailable_before == 1
            # A read needs no memory of nonces, so it is still answered.
            assert (await client.get("/internal/v1/about")).status_code == 200
        finally:
            await state.redis.aclose()
            state.redis = reachable
        assert await redis.xlen(Streams.OPS_CANARY) == 0


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
def test_every_header_a_route_reads_is_signed(service: ServiceModule, database_url: str, redis_url: str) -> None:
    """A header that changes what a request means (an Idempotency-Key names the grant) must not be swappable
    under a valid signature: whatever header a documented route reads is in the signed material."""
    app = build(service, database_url, redis_url)
    read = {
        parameter["name"].lower()
        for operations in app.openapi()["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header"
    }
    assert read <= set(service_auth.SIGNED_HEADERS)


async def test_every_service_client_is_accepted(database_url: str, redis_url: str, redis: Redis) -> None:
    """The clients as their services make them: the gateway's story and payments clients, story's payments
    client. Each request is signed anew, so the same call twice is two requests, not a replay."""
    story_app = build(BY_NAME["story"], database_url, redis_url)
    payments_app = build(BY_NAME["payments"], database_url, redis_url)
    gateway_settings = make_settings(BY_NAME["gateway"], database_url, redis_url)
    story_settings = make_settings(BY_NAME["story"], database_url, redis_url)
    async with (
        LifespanManager(story_app, startup_timeout=20, shutdown_timeout=20),
        LifespanManager(payments_app, startup_timeout=20, shutdown_timeout=20),
        service_client(
            "http://story", gateway_settings, caller="gateway", transport=httpx.ASGITransport(app=story_app)
        ) as gateway_to_story,
        service_client(
            "http://payments", gateway_settings, caller="gateway", transport=httpx.ASGITransport(app=payments_app)
        ) as gateway_to_payments,
        payments_client(story_settings, httpx.ASGITransport(app=payments_app)) as story_to_payments,  # type: ignore[arg-type]
    ):
        async with asyncio.timeout(20):  # story seeds its library just after start
            while (await gateway_to_story.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.1)
        stories, user = StoryClient(gateway_to_story), 7_000_001
        catalogue = await stories.catalogue("en", user)
        slug = next(story.slug for story in catalogue.stories if story.available)
        reply = await stories.start(user, slug, "en")
        again = await stories.start(user, slug, "en")  # the same call twice: two requests, both answered
        assert again.revision == reply.revision
        moved = await stories.choose(user, slug, reply.revision, reply.choices[0].index)
        assert moved.revision > reply.revision

        assert (await PaymentsClient(gateway_to_payments).entitlements(user)).premium is False
        assert (await story_to_payments.get(f"/internal/v1/users/{user}/entitlements")).status_code == 200
        for client in (gateway_to_payments, story_to_payments):
            for _ in range(2):
                assert (await client.post("/internal/v1/ops/canary")).status_code == 202
        assert await redis.xlen(Streams.OPS_CANARY) == 4
