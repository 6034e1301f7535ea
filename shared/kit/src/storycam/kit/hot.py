"""Hot routes: a service's few busiest endpoints, answered without the framework's per-request machinery.

A story step through FastAPI spent about half of its CPU in routing, dependency solving, response re-validation
and the generic middleware: about as much as the ink runtime and both datastores together. A hot route is matched by a
regular expression, its body parsed by the same pydantic contract, its handler called with the app and the path
parameters, and its answer serialised once; it records one server span (continuing the caller's trace) and one
histogram observation.

It sits inside the service-auth middleware, so every request it answers is signed, unless its path is public
(the Telegram webhook, which checks its own secret). Only well-formed requests take it: a path parameter out of
range or a body the contract refuses falls through, unchanged, to the FastAPI route of the same path, which
renders the canonical validation error. So the FastAPI route stays the documented contract (``/docs``) and the
source of its error answers; the hot route is an equivalent, cheaper way to the same handler. Errors of the
:class:`~storycam.kit.errors.StorycamError` tree are rendered as everywhere else.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import Histogram
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from storycam.contracts.errors import ErrorBody
from storycam.kit.asgi import read_body, replay_body
from storycam.kit.errors import StorycamError

# ``(app, path parameters as matched, request) -> answer``: the request is the parsed body contract, or a
# RawRequest for a route without one. The route checks its own parameters and returns None (not an awaitable) to
# fall through when one is out of range. The answer is a contract (200, as JSON) or None (200, empty).
HotHandler = Callable[[Any, dict[str, str], Any], Awaitable[BaseModel | None] | None]


@dataclass(frozen=True)
class RawRequest:
    """What a hot route without a body contract gets: the body as sent and the raw ASGI headers."""

    body: bytes
    headers: list[tuple[bytes, bytes]]

    def header(self, name: bytes) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("latin-1")
        return None


_tracer = trace.get_tracer("storycam.kit.hot")
_propagator = TraceContextTextMapPropagator()
_TRACE_HEADERS = (b"traceparent", b"tracestate")
_JSON = [(b"content-type", b"application/json")]
HOT_ANSWER_SECONDS = Histogram(
    "storycam_hot_route_seconds",
    "Time to answer a request on a hot route, by route and status",
    ["route", "status"],
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)


@dataclass(frozen=True)
class HotRoute:
    """``method`` and a full-match ``path`` pattern with named groups; ``template`` names the route in spans and
    metrics (the FastAPI route's path); ``handler`` answers; ``body`` is the request contract (None: the handler
    reads the raw body itself); ``span_attributes`` puts path parameters on the span (parameter name: attribute
    name), for those that identify no person."""

    method: str
    path: re.Pattern[str]
    template: str
    handler: HotHandler
    body: type[BaseModel] | None = None
    span_attributes: Mapping[str, str] = field(default_factory=dict)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.path.fullmatch(path)
        return found.groupdict() if found else None


class HotRoutes:
    """Pure ASGI middleware answering ``routes`` itself and passing everything else to ``app``."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[HotRoute], max_body_bytes: int = 1_048_576) -> None:
        self.app = app
        self._routes = tuple(routes)
        self._max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self._routes:
                params = route.match(scope["method"], scope["path"])
                if params is not None:
                    await self._answer(route, params, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(
        self, route: HotRoute, params: dict[str, str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        body, sent_all = await read_body(receive, self._max_body)
        complete = sent_all and len(body) <= self._max_body
        request: BaseModel | RawRequest | None = None
        contract = route.body
        if complete and contract is None:
            request = RawRequest(body, scope["headers"])
        elif complete and contract is not None and _json_or_unsaid(scope["headers"]):
            try:
                request = contract.model_validate_json(body)
            except ValidationError:
                request = None
        answer = route.handler(scope["app"], params, request) if request is not None else None
        if answer is None:
            # Out of range, malformed, or too large: the framework route renders the canonical error.
            await self.app(scope, replay_body(body, receive, sent_all=sent_all), send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        parent = _trace_parent(headers)
        started = time.perf_counter()
        token = otel_context.attach(parent) if parent is not None else None
        try:
            with _tracer.start_as_current_span(f"{route.method} {route.template}", kind=SpanKind.SERVER) as span:
                span.set_attribute("http.route", route.template)
                for param, attribute in route.span_attributes.items():
                    span.set_attribute(attribute, params[param])
                status, payload = await _run(answer)
                span.set_attribute("http.status_code", status)
        except Exception:
            # A bug: counted as the 500 it becomes (the outermost error middleware logs it and answers).
            HOT_ANSWER_SECONDS.labels(route.template, "500").observe(time.perf_counter() - started)
            raise
        finally:
            if token is not None:
                otel_context.detach(token)
        response_headers = [*_JSON, _length(payload)] if payload else [_length(payload)]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": payload})
        HOT_ANSWER_SECONDS.labels(route.template, str(status)).observe(time.perf_counter() - started)


async def _run(answer: Awaitable[BaseModel | None]) -> tuple[int, bytes]:
    try:
        reply = await answer
    except StorycamError as exc:
        error = ErrorBody(error=exc.code, detail=exc.detail)
        return exc.status_code, error.model_dump_json(exclude_none=True).encode()
    return 200, reply.model_dump_json().encode() if reply is not None else b""


def _trace_parent(headers: list[tuple[bytes, bytes]]) -> Context | None:
    """The caller's trace context, read from the two W3C headers only (cheaper than wrapping every header)."""
    carrier = {key.decode(): value.decode("latin-1") for key, value in headers if key in _TRACE_HEADERS}
    return _propagator.extract(carrier) if "traceparent" in carrier else None


def _json_or_unsaid(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the body may be read as JSON: FastAPI reads it so when the type says JSON or says nothing."""
    for key, value in headers:
        if key == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))
    return True


def _length(payload: bytes) -> tuple[bytes, bytes]:
    return b"content-length", str(len(payload)).encode()
