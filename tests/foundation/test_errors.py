"""Every error has one shape, ``{"error", "detail"}``, and a bug never leaks as anything but a plain 500."""

from __future__ import annotations

from fastapi import APIRouter
from redis.asyncio import Redis

from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.errors import Conflict
from tests.support.services import SERVICE_MODULES, make_settings, running


def _app_with_failing_routes(database_url: str, redis_url: str):  # type: ignore[no-untyped-def]
    router = APIRouter(prefix="/internal/v1/probe")

    @router.post("/conflict")
    async def conflict() -> None:
        raise Conflict("That story is already running.")

    @router.post("/bug")
    async def bug() -> None:
        raise RuntimeError("secret internal detail")

    @router.post("/typed")
    async def typed(count: int) -> dict[str, int]:
        return {"count": count}

    service = SERVICE_MODULES[1]
    definition = ServiceDefinition(
        name="story",
        schema="story",
        version="test",
        migrations_dir=service.definition.migrations_dir,
        routers=(router,),
    )
    return create_app(definition, make_settings(service, database_url, redis_url))


async def test_error_shapes(database_url: str, redis_url: str, redis: Redis) -> None:
    async with running(_app_with_failing_routes(database_url, redis_url)) as client:
        conflict = await client.post("/internal/v1/probe/conflict")
        assert conflict.status_code == 409
        assert conflict.json() == {"error": "conflict", "detail": "That story is already running."}

        bug = await client.post("/internal/v1/probe/bug")
        assert bug.status_code == 500
        assert bug.json()["error"] == "internal_error"
        assert "secret internal detail" not in bug.text

        malformed = await client.post("/internal/v1/probe/typed", params={"count": "many"})
        assert malformed.status_code == 422
        assert malformed.json()["error"] == "validation_error"
        assert malformed.json()["fields"][0]["loc"] == ["query", "count"]

        missing = await client.get("/internal/v1/nothing-here")
        assert missing.status_code == 404
        assert missing.json()["error"] == "not_found"
