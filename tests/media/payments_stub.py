"""The payments service's charge endpoints as media calls them, per ``storycam.contracts.payments``: a hold per key
(the same key again answers the same charge), settle and release idempotent, the other one after either a 409, 402
when the user cannot pay. Served through respx for tests in one process, or by a small uvicorn app when worker
processes of their own call it."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import respx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storycam.contracts.payments import Charge, ChargeRequest

PAYMENTS_URL = "http://payments.test"
_PATH = re.compile(
    r"^/internal/v1/users/(?P<user>\d+)/charges(?:/(?P<key>[A-Za-z0-9._:-]+)/(?P<action>settle|release))?$"
)


@dataclass
class ChargeBook:
    """What payments would know. ``credits`` is what a job costs (0: the daily allowance pays); ``broke`` users
    get 402."""

    credits: int = 0
    broke: set[int] = field(default_factory=set)
    down: bool = False  # every call answered 503
    charges: dict[str, Charge] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (action, key): hold, settle, release
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, action: str, key: str | None = None) -> int:
        return Counter(a for a, k in self.calls if key is None or k == key)[action]

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, str]:
        match = _PATH.match(path)
        if method != "POST" or match is None:
            return 404, '{"error":"not_found","detail":"no such route"}'
        user = int(match["user"])
        if self.down:
            return 503, '{"error":"unavailable","detail":"payments is away"}'
        with self._lock:
            if match["action"] is None:
                request = ChargeRequest.model_validate_json(body)
                self.calls.append(("hold", request.key))
                if request.key in self.charges:
                    return 200, self.charges[request.key].model_dump_json()
                if user in self.broke:
                    return 402, '{"error":"insufficient_credits","detail":"nothing can pay"}'
                charge = Charge(
                    key=request.key,
                    kind=request.kind,
                    source="credits" if self.credits else "daily_allowance",
                    credits=self.credits,
                    state="held",
                    expires_at=datetime.now(UTC) + timedelta(seconds=request.ttl_seconds or 600),
                )
                self.charges[request.key] = charge
                return 201, charge.model_dump_json()
            key, action = match["key"], match["action"]
            self.calls.append((action, key))
            held = self.charges.get(key)
            if held is None:
                return 404, '{"error":"charge_not_found","detail":"no such charge"}'
            target = "settled" if action == "settle" else "released"
            if held.state not in ("held", target):
                return 409, '{"error":"conflict","detail":"the charge is ' + held.state + '"}'
            self.charges[key] = held.model_copy(update={"state": target})
            return 200, self.charges[key].model_dump_json()


def mock_payments(book: ChargeBook) -> respx.MockRouter:
    """A respx router for PAYMENTS_URL answering from ``book`` (use as a context manager)."""
    router = respx.mock(base_url=PAYMENTS_URL, assert_all_called=False)

    def answer(request: httpx.Request) -> httpx.Response:
        status, body = book.answer(request.method, request.url.path, request.content)
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    router.route(path__regex=r"^/internal/v1/users/").mock(side_effect=answer)
    return router


def payments_app(book: ChargeBook) -> Starlette:
    async def answer(request: Request) -> Response:
        status, body = book.answer(request.method, request.url.path, await request.body())
        return Response(body, status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])


class PaymentsServer:
    """``payments_app`` on a real port, in a thread of the test process."""

    def __init__(self, book: ChargeBook) -> None:
        config = uvicorn.Config(payments_app(book), host="127.0.0.1", port=0, log_config=None, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="payments-stub", daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the payments stub did not start")
            threading.Event().wait(0.02)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


__all__ = ["PAYMENTS_URL", "ChargeBook", "PaymentsServer", "mock_payments"]
