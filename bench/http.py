"""A lean HTTP/1.1 client for the load generators, which share the machine's two cores with what they measure.

Keep-alive connections written to directly and read with httptools' parser (the one uvicorn uses), on uvloop.
A general-purpose client (aiohttp) cost the story bench 0.7 ms of CPU a request on the bench machine, a fifth of
the service's own cost; this one costs about 0.25 ms.
"""

from __future__ import annotations

import asyncio
from typing import cast
from urllib.parse import urlsplit

import httptools


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._body: list[bytes] = []
        self._answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result((self._parser.get_status_code(), b"".join(self._body)))
        self._body = []

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError("the server closed the connection"))

    def _fail(self, error: Exception) -> None:
        self.closed = True
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(error)

    async def request(self, data: bytes) -> tuple[int, bytes]:
        assert self._transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        self._transport.write(data)
        return await self._answer

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()


class Client:
    """POSTs to one server over up to ``limit`` keep-alive connections (one request on each at a time)."""

    def __init__(self, base_url: str, limit: int = 512) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname, base_url
        assert parts.port, base_url
        self._host, self._port = parts.hostname, parts.port
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(limit)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """``(status, body)``; a refused, reset or garbled exchange raises OSError."""
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        data = (
            f"POST {path} HTTP/1.1\r\nhost: {self._host}\r\ncontent-length: {len(body)}\r\n{head}\r\n"
        ).encode() + body
        async with self._slots:
            connection = self._idle.pop() if self._idle else None
            if connection is None or connection.closed:
                _, connection = await asyncio.get_running_loop().create_connection(_Connection, self._host, self._port)
            try:
                answer = await connection.request(data)
            except (ConnectionError, httptools.HttpParserError) as exc:
                connection.close()
                raise OSError(str(exc)) from exc
            self._idle.append(connection)
            return answer

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()
