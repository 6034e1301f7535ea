"""Service-to-service authentication: every internal request is signed with HMAC-SHA256, and accepted once.

The signature covers the caller's name, a timestamp, a nonce, the method, the path with its query, every header
that changes what the request means (:data:`SIGNED_HEADERS`) and a hash of the body, so a request cannot be
altered, nor replayed outside a short clock window. Inside the window, a state-changing request (anything but GET
and HEAD) is accepted once: its nonce is remembered in Redis until the window has passed, and the same request
again is refused before the app sees it. Without Redis that memory is missing, so such a request is refused (503)
rather than accepted unchecked. A GET or HEAD changes nothing, so its replay inside the window is let through
(it reads what the original could have read), sparing the lookups a Redis round trip.

Requests are refused by default: only the paths a service declares public (probes, metrics, webhooks that carry
their own checks) skip the check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Collection, Generator, Mapping
from dataclasses import dataclass
from typing import Final

import httpx
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Receive, Scope, Send

from storycam.kit.asgi import read_body, replay_body
from storycam.kit.nonces import NonceRegister

CALLER_HEADER: Final = "x-storycam-caller"
TIMESTAMP_HEADER: Final = "x-storycam-timestamp"
NONCE_HEADER: Final = "x-storycam-nonce"
SIGNATURE_HEADER: Final = "x-storycam-signature"
# Headers whose value changes what a request means, so a signature must not outlive a change to them: the
# idempotency key names the operation (another key would be another grant), the content type and encoding say how
# the body is read. A route that starts reading another header adds it here (a test checks every documented one).
SIGNED_HEADERS: Final = ("content-type", "content-encoding", "idempotency-key")
# Requests that change nothing: their replay inside the window is harmless, so their nonce is not remembered.
SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
_VERSION: Final = "v2"
_MAX_NONCE_LENGTH: Final = 64
_SIGNED_KEYS: Final = frozenset(name.encode() for name in SIGNED_HEADERS)
_AUTH_KEYS: Final = tuple(name.encode() for name in (CALLER_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER))
REFUSED = Counter(
    "storycam_internal_requests_refused_total",
    "Internal requests refused before the app: unsigned, expired, mismatch (wrong secret or altered), replayed "
    "(a state-changing request seen before), store_unavailable (Redis cannot say whether it is a replay) or "
    "too_large",
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


def signature(
    secret: str,
    *,
    caller: str,
    timestamp: str,
    nonce: str,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """``headers``: the values of the :data:`SIGNED_HEADERS` the request carries, by lower-case name."""
    # A header that is absent signs as its bare name, one that is present (even empty) as "name:value": neither
    # can be added nor removed on the way. Header values and targets hold no line breaks (HTTP forbids them).
    fields = [f"{name}:{headers[name].strip()}" if name in headers else name for name in SIGNED_HEADERS]
    message = "\n".join(
        [_VERSION, caller, timestamp, nonce, method.upper(), target, *fields, hashlib.sha256(body).hexdigest()]
    ).encode()
    return f"{_VERSION}=" + hmac.new(_signing_key(secret, caller), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    *,
    caller: str,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> dict[str, str]:
    """The four headers that sign a request (``headers``: the request's own, any case; a fresh nonce each call)."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(16)
    lowered = {name.lower(): value for name, value in headers.items()}
    meaning: dict[str, str] = {name: lowered[name] for name in SIGNED_HEADERS if name in lowered}
    return {
        CALLER_HEADER: caller,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(
            secret,
            caller=caller,
            timestamp=timestamp,
            nonce=nonce,
            method=method,
            target=target,
            headers=meaning,
            body=body,
        ),
    }


class ServiceAuth(httpx.Auth):
    """httpx auth that signs every request a service sends to another, each with a nonce of its own (so a retry
    made by the caller is a new request, while the same bytes sent again are a replay)."""

    requires_request_body = True

    def __init__(self, secret: str, caller: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._caller = caller
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            signed_headers(
                self._secret,
                caller=self._caller,
                method=request.method,
                target=request.url.raw_path.decode("ascii"),
                headers=request.headers,
                body=request.content,
                now=self._clock(),
            )
        )
        yield request


class ServiceAuthMiddleware:
    """Pure ASGI middleware: checks the signature before the app sees the request, refuses a state-changing
    request seen before, and caps the body size.

    ``redis`` gives the client that remembers nonces (the lifespan's, so asked per request). The verified caller's
    name is put in ``scope["state"]["caller"]`` for routes that admit only some callers.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: str,
        public_paths: Collection[str],
        redis: Callable[[], Redis],
        max_body_bytes: int = 1_048_576,
        max_skew_seconds: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self._secret = secret
        self._public = frozenset(public_paths)
        self._nonces = NonceRegister(redis)
        self._max_body = max_body_bytes
        self._skew = max_skew_seconds
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._public:
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        repeated = False
        for key, value in scope["headers"]:
            # The app reads the first of a repeated header and this check would read the last: a second
            # Idempotency-Key put in front would pass the signature and change the grant. Refused instead.
            repeated = repeated or (key in headers and key in _SIGNED_KEYS)
            headers[key] = value
        caller, timestamp, nonce, given = (headers.get(name, b"").decode("latin-1") for name in _AUTH_KEYS)
        if not (caller and timestamp and nonce and given) or len(nonce) > _MAX_NONCE_LENGTH:
            await _refuse(send, 401, "unsigned", "This endpoint is internal: the request must be signed.")
            return
        now = self._clock()
        if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > self._skew:
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
            nonce=nonce,
            method=scope["method"],
            target=target_text,
            headers={key.decode(): headers[key].decode("latin-1") for key in _SIGNED_KEYS if key in headers},
            body=body,
        )
        if repeated or not hmac.compare_digest(expected.encode(), given.encode()):
            await _refuse(send, 401, "mismatch", "The request signature does not match.")
            return
        if scope["method"] not in SAFE_METHODS:
            # Remembered until the signature's window has passed for it: after that, the clock check refuses it.
            expires_in_ms = int((int(timestamp) + self._skew + 1 - now) * 1000)
            # Keyed by caller and nonce, not by the service receiving it: services sharing one Redis (the default)
            # also refuse a request replayed to another of them (the same path on two services, such as the canary).
            try:
                first = await self._nonces.first_use(f"storycam:auth-nonce:{caller}:{nonce}", expires_in_ms)
            except (RedisError, OSError):
                await _refuse(send, 503, "store_unavailable", "The request cannot be checked for replay right now.")
                return
            if not first:
                await _refuse(send, 401, "replayed", "This signed request was already accepted once.")
                return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, replay_body(body, receive), send)


_CODES: Final = {413: "payload_too_large", 503: "dependency_unavailable"}


async def _refuse(send: Send, status: int, reason: str, detail: str) -> None:
    # Counted here: refusals never reach the app's HTTP metrics, and a burst of them means a secret differs
    # between services, a clock drifts, Redis is away or someone replays requests (alert
    # StorycamInternalRequestsRefused).
    REFUSED.labels(reason).inc()
    payload = json.dumps({"error": _CODES.get(status, "unauthorized"), "detail": detail}).encode()
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
