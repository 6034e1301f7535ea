"""Reading a request body in ASGI middleware, and handing it on to the app as if unread."""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, read until its end or until it is past ``limit`` bytes, and whether the client sent all of it
    (False as well when the client went away). ``len(body) > limit`` tells a body too large."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
        if size > limit or not more:
            return b"".join(chunks), not more


def replay_body(body: bytes, receive: Receive, *, sent_all: bool = True) -> Receive:
    """A receive that hands the app the body already read, then whatever else the client sends."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": not sent_all}

    return replay
