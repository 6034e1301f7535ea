"""``storycam-sandbox`` starts the emulator on the given port and token, and refuses a malformed token."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.sandbox.bot_api import TOKEN

SCRIPT = Path(sys.executable).parent / "storycam-sandbox"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_the_console_script_serves_the_bot_api() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [str(SCRIPT), "--port", str(port), "--token", TOKEN, "--bot-name", "Dev bot"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client, asyncio.timeout(30):
            while True:
                try:
                    me = (await client.get(f"/bot{TOKEN}/getMe")).json()["result"]
                    break
                except httpx.ConnectError:
                    assert process.poll() is None, process.stderr.read() if process.stderr else ""
                    await asyncio.sleep(0.1)
            unknown = await client.get("/bot42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe")
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)

    assert me["first_name"] == "Dev bot"
    assert unknown.status_code == 401
    assert b"sandbox.listening" in errors  # logs go to stderr


def test_a_malformed_token_is_refused() -> None:
    finished = subprocess.run(
        [str(SCRIPT), "--token", "not-a-token"], capture_output=True, text=True, timeout=30, check=False
    )

    assert finished.returncode == 2
    assert "--token must look like" in finished.stderr
