"""Webhook ingress: secret checked, bad bodies refused, each update journaled once and answered at once."""

from __future__ import annotations

import json

import httpx
import pytest
from redis.asyncio import Redis

from storycam.gateway.ingress.journal import STREAM_PREFIX, UpdateJournal
from storycam.gateway.telegram import webhook_secret
from tests.gateway.support import text_update
from tests.support.services import BY_NAME, build, make_settings, running

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def _journaled(redis: Redis) -> int:
    total = 0
    async for key in redis.scan_iter(match=f"{STREAM_PREFIX}.*"):
        if not key.endswith(b".dead"):
            total += await redis.xlen(key)
    return total


@pytest.fixture
def secret(database_url: str, redis_url: str) -> str:
    settings = make_settings(BY_NAME["gateway"], database_url, redis_url)
    return webhook_secret(settings)  # type: ignore[arg-type]


def _app(database_url: str, redis_url: str):  # type: ignore[no-untyped-def]
    # Ingress only: no workers, and a Telegram that cannot be reached by accident.
    return build(
        BY_NAME["gateway"], database_url, redis_url, update_workers=False, telegram_api_base="http://127.0.0.1:9"
    )


async def test_webhook_journals_an_update_once(database_url: str, redis_url: str, redis: Redis, secret: str) -> None:
    async with running(_app(database_url, redis_url), caller=None) as client:
        update = text_update(1001, 42, "/start")
        for _ in range(3):  # Telegram redelivers; we journal it once
            response = await client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: secret})
            assert response.status_code == 200
        assert await _journaled(redis) == 1
        partition = UpdateJournal(redis, 0, 16).partition_of(update)
        [(_, fields)] = await redis.xrange(f"{STREAM_PREFIX}.{partition}")
        assert json.loads(fields[b"update"]) == update


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, b'{"update_id": 1}', 401),
        ({SECRET_HEADER: "wrong"}, b'{"update_id": 1}', 401),
        ({SECRET_HEADER: "<secret>"}, b"not json", 400),
        ({SECRET_HEADER: "<secret>"}, b'{"message": {}}', 400),
        ({SECRET_HEADER: "<secret>"}, b'{"update_id": "7"}', 400),
        ({SECRET_HEADER: "<secret>"}, b"[1, 2]", 400),
        ({SECRET_HEADER: "<secret>"}, b"\xff\xfe", 400),
        ({SECRET_HEADER: "<secret>"}, b'{"update_id": 1, "pad": "' + b"x" * 1_100_000 + b'"}', 400),
        # Past Python's recursion limit: a RecursionError (500) before.
        ({SECRET_HEADER: "<secret>"}, b"[" * 100_000, 400),
        ({SECRET_HEADER: "<secret>"}, b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),
        # Readable by Python, but no update nests so deep: journaled, a worker would find the limit reading it.
        ({SECRET_HEADER: "<secret>"}, b'{"update_id": 1, "message": ' + b"[" * 200 + b"]" * 200 + b"}", 400),
    ],
    ids=[
        "no-secret",
        "wrong-secret",
        "not-json",
        "no-update-id",
        "string-id",
        "array",
        "not-utf8",
        "huge",
        "nested-100000",
        "update-nested-100000",
        "update-nested-200",
    ],
)
async def test_bad_requests_are_refused_and_journal_nothing(
    database_url: str, redis_url: str, redis: Redis, secret: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    headers = {k: secret if v == "<secret>" else v for k, v in headers.items()}
    async with running(_app(database_url, redis_url), caller=None) as client:
        response = await client.post("/telegram/webhook", content=body, headers=headers)
        assert response.status_code == status
        assert response.json()["error"] in {"unauthorized", "bad_request"}
        assert await _journaled(redis) == 0
        # And the gateway keeps serving.
        ok = await client.post("/telegram/webhook", json=text_update(5, 5, "hi"), headers={SECRET_HEADER: secret})
        assert ok.status_code == 200


async def test_webhook_is_public_but_internal_routes_are_not(database_url: str, redis_url: str, secret: str) -> None:
    async with running(_app(database_url, redis_url), caller=None) as client:
        assert (await client.get("/internal/v1/about")).status_code == 401
        response = await client.post("/telegram/webhook", json=text_update(9, 9, "hi"), headers={SECRET_HEADER: secret})
        assert response.status_code == 200
    assert isinstance(client, httpx.AsyncClient)


async def test_a_webhook_only_replica_still_reports_how_many_partitions_need_owners(
    database_url: str, redis_url: str
) -> None:
    """With no worker replica anywhere, partitions (here 5) against owned (0) is what raises the alert."""
    app = build(BY_NAME["gateway"], database_url, redis_url, update_workers=False, ingress_partitions=5)
    async with running(app, caller=None) as client:
        metrics = (await client.get("/metrics")).text
    assert "storycam_gateway_ingress_partitions 5.0" in metrics.splitlines()
    assert "storycam_gateway_partitions_owned 0.0" in metrics.splitlines()
