"""Service-to-service authentication: every internal request is signed with HMAC-SHA256.

The signature covers the caller's name, a timestamp, the method, the path with its query and a hash of the body,
so a request cannot be altered or replayed outside a short clock window. Requests are refused by default: only
the paths a service declares public (probes, metrics, webhooks that carry their own checks) skip the check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Collection, Generator
from dataclasses import dataclass
from typing import Final

import httpx
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send

from storycam.kit.asgi import read_body, replay_body

CALLER_HEADER: Final = "x-storycam-caller"
TIMESTAMP_HEADER: Final = "x-storycam-timestamp"
SIGNATURE_HEADER: Final = "x-storycam-signature"
_VERSION: Final = "v1"
REFUSED = Counter(
    "storycam_internal_requests_refused_total",
    "Internal requests refused before the app: unsigned, expired, mismatch (wrong secret or altered) or too_large",
    ["reason"],
)


@dataclass(frozen=True)
class PublicRoute:
    """A route anyone may call without a signature, and why: what checks its sender instead (a webhook's own
    secret), or why no check is needed (a probe that reveals nothing). The app refuses to build with a public path
    that no route serves, so a path cannot be left open for a route still to come."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError(f"the public route {self.path} needs a reason: what checks its sender instead")


def _signing_key(secret: str, caller: str) -> bytes:
    # A key per caller, derived from the deployment secret: a signature made for one caller never verifies
    # under another caller's name.
    return hmac.new(secret.encode(), f"storycam-service:{caller}".encode(), hashlib.sha256).digest()


def signature(secret: str, *, caller: str, timestamp: str, method: str, target: str, body: bytes) -> str:
    message = "\n".join(
        [_VERSION, caller, timestamp, method.upper(), target, hashlib.sha256(body).hexdigest()]
    ).encode()
    return f"{_VERSION}=" + hmac.new(_signing_key(secret, caller), message, hashlib.sha256).hexdigest()


class ServiceAuth(httpx.Auth):
    """httpx auth that signs every request a service sends to another."""

    requires_request_body = True

    def __init__(self, secret: str, caller: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._caller = caller
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(int(self._clock()))
        target = request.url.raw_path.decode("ascii")
        request.headers[CALLER_HEADER] = self._caller
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[SIGNATURE_HEADER] = signature(
            self._secret,
            caller=self._caller,
            timestamp=timestamp,
            method=request.method,
            target=target,
            body=request.content,
        )
        yield request


class ServiceAuthMiddleware:
    """Pure ASGI middleware: checks the signature before the app sees the request, and caps the body size.

    The verified caller's name is put in ``scope["state"]["caller"]`` for routes that admit only some callers.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: str,
        public_paths: Collection[str],
        max_body_bytes: int = 1_048_576,
        max_skew_seconds: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self._secret = secret
        self._public = frozenset(public_paths)
        self._max_body = max_body_bytes
        self._skew = max_skew_seconds
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._public:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        caller = headers.get(CALLER_HEADER, "")
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        given = headers.get(SIGNATURE_HEADER, "")
        if not (caller and timestamp and given):
            await _refuse(send, 401, "unsigned", "This endpoint is internal: the request must be signed.")
            return
        if not timestamp.isdigit() or abs(self._clock() - int(timestamp)) > self._skew:
            await _refuse(send, 401, "expired", "The request signature has expired or is from the future.")
            return
        body, sent_all = await read_body(receive, self._max_body)
        if len(body) > self._max_body:
            await _refuse(send, 413, "too_large", "The request body is too large.")
            return
        if not sent_all:
            return  # the client went away
        target = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        target_text = target.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        expected = signature(
            self._secret,
            caller=caller,
            timestamp=timestamp,
            method=scope["method"],
            target=target_text,
            body=body,
        )
        if not hmac.compare_digest(expected.encode(), given.encode()):
            await _refuse(send, 401, "mismatch", "The request signature does not match.")
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, replay_body(body, receive), send)


async def _refuse(send: Send, status: int, reason: str, detail: str) -> None:
    # Counted here: refusals never reach the app's HTTP metrics, and a burst of them means a secret differs
    # between services or a clock drifts (alert StorycamInternalRequestsRefused).
    REFUSED.labels(reason).inc()
    code = "payload_too_large" if status == 413 else "unauthorized"
    payload = json.dumps({"error": code, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
