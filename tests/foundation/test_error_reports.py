"""SENTRY_DSN sends a bug's report (and no personal data) to Sentry; without it nothing is sent."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from storycam.kit.error_reports import setup_error_reports
from storycam.kit.settings import ServiceSettings
from tests.conftest import ROOT


class _Ingest(BaseHTTPRequestHandler):
    received: list[bytes] = []  # noqa: RUF012 - one server per test, reset by the fixture

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def sentry_ingest() -> Iterator[tuple[str, list[bytes]]]:
    _Ingest.received = []
    server = HTTPServer(("127.0.0.1", 0), _Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_port}/1", _Ingest.received
    finally:
        server.shutdown()
        server.server_close()


def test_no_dsn_no_reports() -> None:
    assert setup_error_reports("story", "1.0", ServiceSettings(storycam_env="test")) is False


def test_a_bug_is_reported_without_personal_data(sentry_ingest: tuple[str, list[bytes]]) -> None:
    dsn, received = sentry_ingest
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.sentry_probe"],
        cwd=ROOT,
        env={**os.environ, "SENTRY_DSN": dsn, "STORYCAM_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reports = b"".join(received)
    assert b"the probe's bug" in reports
    assert b"RuntimeError" in reports
    assert b"secret-token-of-a-user" not in reports
