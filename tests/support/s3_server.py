"""A real S3-compatible server for tests: moto's server mode, in a process of its own on a free port.

It speaks S3's HTTP API (signatures, multipart uploads, listing, batch deletes) the way the store's client will
meet it in production; only the endpoint differs. Stopped by its own PID when the session ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support.ports import free_port

# moto accepts any credentials; the client still signs every request with them.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "storycam-test", "AWS_SECRET_ACCESS_KEY": "storycam-test-secret"}
REGION = "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """The endpoint URL of a fresh moto server, running until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **CREDENTIALS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # importing moto takes a few seconds on a busy machine
            if process.poll() is not None:
                raise RuntimeError(f"moto server exited with {process.returncode}")
            try:
                httpx.get(f"{endpoint}/moto-api/data.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto server did not start")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
