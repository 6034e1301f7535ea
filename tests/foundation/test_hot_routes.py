"""Hot routes answer well-formed requests themselves and hand everything else to the FastAPI route of the same
path, so a client cannot tell which of the two answered, except by the cost."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Path, Request
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY
from pydantic import BaseModel, Field

from storycam.kit.errors import Conflict, install_error_handlers
from storycam.kit.hot import HotRoute, HotRoutes, RawRequest

TEMPLATE = "/things/{thing_id}/poke"


class Poke(BaseModel):
    times: int = Field(ge=1, le=3)


class Poked(BaseModel):
    thing_id: int
    times: int
    by: str


async def _poke(thing_id: int, request: Poke) -> Poked:
    if thing_id == 409:
        raise Conflict("That thing is busy.")
    if thing_id == 500:
        raise RuntimeError("a bug")
    return Poked(thing_id=thing_id, times=request.times, by="hot")


def _handler(app: Any, params: dict[str, str], request: Any) -> Awaitable[Poked] | None:
    thing_id = int(params["thing_id"])
    if thing_id > 1000:
        return None  # out of range: the FastAPI route answers
    assert app.state.marker == "the app"
    return _poke(thing_id, request)


class Sized(BaseModel):
    size: int
    by: str


async def _sized(request: RawRequest) -> Sized | None:
    if request.header(b"x-empty") is not None:
        return None
    return Sized(size=len(request.body), by="hot")


def _raw(app: Any, params: dict[str, str], request: RawRequest) -> Awaitable[Sized | None]:
    return _sized(request)


def _app() -> FastAPI:
    app = FastAPI()
    app.state.marker = "the app"
    install_error_handlers(app)

    @app.post("/raw")
    async def raw_framework(request: Request) -> dict[str, object]:
        return {"size": len(await request.body()), "by": "framework"}

    @app.post(TEMPLATE)
    async def poke(request: Poke, thing_id: int = Path(ge=1, le=1000)) -> Poked:
        answer = await _poke(thing_id, request)
        return answer.model_copy(update={"by": "framework"})

    route = HotRoute(
        method="POST",
        path=re.compile(r"/things/(?P<thing_id>[1-9][0-9]{0,5})/poke"),
        template=TEMPLATE,
        body=Poke,
        handler=_handler,
        span_attributes={"thing_id": "thing.id"},
    )
    raw = HotRoute(method="POST", path=re.compile("/raw"), template="/raw", handler=_raw)
    app.add_middleware(HotRoutes, routes=[route, raw], max_body_bytes=100)
    return app


@pytest.fixture
async def client() -> Any:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def _count(status: str) -> float:
    value = REGISTRY.get_sample_value("storycam_hot_route_seconds_count", {"route": TEMPLATE, "status": status})
    return value or 0.0


async def test_a_well_formed_request_is_answered_by_the_hot_route(
    client: httpx.AsyncClient, span_exporter: InMemorySpanExporter
) -> None:
    span_exporter.clear()
    before = _count("200")
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    response = await client.post(
        "/things/7/poke", json={"times": 2}, headers={"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"}
    )
    assert response.status_code == 200
    assert response.json() == {"thing_id": 7, "times": 2, "by": "hot"}
    assert response.headers["content-type"] == "application/json"
    assert _count("200") == before + 1
    [span] = [s for s in span_exporter.get_finished_spans() if s.name == f"POST {TEMPLATE}"]
    assert span.kind is SpanKind.SERVER
    assert span.name == f"POST {TEMPLATE}"
    assert format(span.context.trace_id, "032x") == trace_id
    assert span.attributes is not None
    assert span.attributes["thing.id"] == "7"
    assert span.attributes["http.status_code"] == 200


async def test_what_the_hot_route_refuses_gets_the_frameworks_canonical_answer(client: httpx.AsyncClient) -> None:
    malformed = await client.post("/things/7/poke", json={"times": 9})
    assert malformed.status_code == 422
    assert malformed.json()["error"] == "validation_error"
    assert malformed.json()["fields"][0]["loc"] == ["body", "times"]
    not_json = await client.post("/things/7/poke", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 422
    out_of_range = await client.post("/things/5000/poke", json={"times": 1})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["fields"][0]["loc"] == ["path", "thing_id"]
    as_text = await client.post("/things/7/poke", content=b'{"times": 1}', headers={"content-type": "text/plain"})
    assert as_text.status_code == 422, "a body that does not say it is JSON is not read as JSON"
    typed = await client.post(
        "/things/7/poke", content=b'{"times": 1}', headers={"content-type": "application/json; charset=utf-8"}
    )
    assert typed.json()["by"] == "hot"
    other_method = await client.get("/things/7/poke")
    assert other_method.status_code == 405


async def test_errors_are_rendered_and_counted_like_everywhere_else(client: httpx.AsyncClient) -> None:
    conflict = await client.post("/things/409/poke", json={"times": 1})
    assert conflict.status_code == 409
    assert conflict.json() == {"error": "conflict", "detail": "That thing is busy."}
    before = _count("500")
    bug = await client.post("/things/500/poke", json={"times": 1})
    assert bug.status_code == 500
    assert bug.json()["error"] == "internal_error"
    assert "a bug" not in bug.text
    assert _count("500") == before + 1


async def test_a_raw_route_reads_the_body_itself_and_a_body_past_the_limit_goes_whole_to_the_framework(
    client: httpx.AsyncClient,
) -> None:
    small = await client.post("/raw", content=b"x" * 100)
    assert small.json() == {"size": 100, "by": "hot"}
    empty = await client.post("/raw", content=b"x", headers={"x-empty": "1"})
    assert empty.status_code == 200
    assert empty.content == b""
    assert "content-type" not in empty.headers

    async def chunks() -> Any:
        for _ in range(3):
            yield b"y" * 80

    large = await client.post("/raw", content=chunks())
    assert large.json() == {"size": 240, "by": "framework"}
