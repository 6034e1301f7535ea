"""A body nested 100,000 levels deep is a client error on every route of every service: never a 500 (Python's
recursion limit), and it changes nothing."""

from __future__ import annotations

import asyncio
import re
from uuid import uuid4

import asyncpg
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from tests.support.services import SERVICE_MODULES, ServiceModule, build, running

DEPTH = 100_000
BODIES = {
    "brackets": b"[" * DEPTH,
    "well-formed": b'{"language": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
}


def _changing_routes(app: FastAPI) -> list[tuple[str, str, bool]]:
    """Every documented route that is not a read, with its path filled in, and whether it reads a JSON body (the
    ops canary reads none, so every service has one route here; the gateway's webhook is tested in its ingress)."""
    routes = []
    for path, operations in app.openapi()["paths"].items():
        # Parameters in range, so the story's hot routes (which match only those) take their share.
        concrete = re.sub(r"\{[^}]+\}", "x", path.replace("{user_id}", "1").replace("{slug}", "a-story"))
        for method, operation in operations.items():
            if method.upper() not in {"GET", "HEAD"}:
                routes.append((method.upper(), concrete, "requestBody" in operation))
    return routes


async def _rows(db: asyncpg.Connection, schema: str) -> dict[str, int]:
    tables = await db.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
    return {t["table_name"]: await db.fetchval(f'SELECT count(*) FROM "{schema}"."{t["table_name"]}"') for t in tables}


@pytest.mark.parametrize("service", SERVICE_MODULES, ids=lambda s: s.name)
async def test_a_deeply_nested_body_is_refused_and_changes_nothing(
    service: ServiceModule, database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection
) -> None:
    # Only the requests may change anything here: the background jobs that would act on other tests' rows meanwhile
    # (payments' subscription announcements and hold sweeper) are off.
    quiet: dict[str, dict[str, object]] = {
        "gateway": {"update_workers": False},
        "payments": {"subscription_check_interval_seconds": 0, "charge_sweep_interval_seconds": 0},
    }
    overrides = quiet.get(service.name, {})
    app = build(service, database_url, redis_url, **overrides)
    routes = _changing_routes(app)
    async with running(app) as client:
        async with asyncio.timeout(20):  # story seeds its library just after start: counted once it is done
            while (await client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.1)
            # The relay drains what earlier tests left in the outbox: counted once it has.
            while await db.fetchval(f'SELECT count(*) FROM "{service.schema}".outbox'):
                await asyncio.sleep(0.1)
        before = await _rows(db, service.schema)
        for method, path, reads_json in routes:
            for name, body in BODIES.items():
                headers = {"content-type": "application/json", "idempotency-key": str(uuid4())}
                response = await client.request(method, path, content=body, headers=headers)
                where = f"{method} {path} with {name}"
                assert response.status_code < 500, f"{where} answered {response.status_code}"
                if reads_json:
                    assert response.status_code in {400, 422}, f"{where} answered {response.status_code}"
                    assert response.json()["error"] in {"bad_request", "validation_error"}
        assert await _rows(db, service.schema) == before
