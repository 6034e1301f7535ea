"""Nothing is public by accident: a route answers unsigned only when it is declared public with a reason, and a
public path is declared only together with its route."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.routing import iter_route_contexts
from prometheus_client import REGISTRY
from starlette.routing import Route

from storycam.kit.app import create_app, public_routes
from storycam.kit.service_auth import PublicRoute
from tests.support.services import BY_NAME, SERVICE_MODULES, ServiceModule, make_settings, running


def _unsigned_refusals() -> float:
    return REGISTRY.get_sample_value("storycam_internal_requests_refused_total", {"reason": "unsigned"}) or 0.0


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_only_declared_public_routes_answer_unsigned(
    service: ServiceModule, database_url: str, redis_url: str
) -> None:
    settings = make_settings(service, database_url, redis_url)
    app = create_app(service.definition, settings)
    declared = {route.path: route.reason for route in public_routes(service.definition, settings)}
    assert all(reason.strip() for reason in declared.values())
    routes = list(iter_route_contexts(app.routes))  # flattened: an included router is one entry of app.routes
    # The signature check looks at HTTP requests only: a websocket route or a mounted app would pass unsigned.
    assert all(isinstance(route.original_route, Route) for route in routes), routes
    assert set(declared) <= {route.path for route in routes}, "a public path without its route"

    answered_unsigned: set[str] = set()
    async with running(app, caller=None) as client:
        for route in routes:
            assert route.path is not None
            path = re.sub(r"\{[^}]+\}", "0", route.path)
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                before = _unsigned_refusals()
                await client.request(method, path)
                if _unsigned_refusals() == before:
                    answered_unsigned.add(route.path)
    assert answered_unsigned == set(declared), "reachable unsigned without a reason, or declared and refused"
    assert len(routes) > len(declared), "no internal route was checked"


async def test_a_public_path_without_its_route_is_refused_when_the_app_is_built(
    database_url: str, redis_url: str
) -> None:
    payments = BY_NAME["payments"]
    unrouted = PublicRoute("/webhooks/not-built-yet", "a provider still to come, checked by its signature")
    definition = dataclasses.replace(payments.definition, public_routes=(unrouted,))
    with pytest.raises(ValueError, match="/webhooks/not-built-yet"):
        create_app(definition, make_settings(payments, database_url, redis_url))


def test_a_public_route_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        PublicRoute("/webhooks/anything", " ")
