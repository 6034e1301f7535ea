"""``storycam-sandbox`` starts the emulator on the given port and token, and refuses a malformed token."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from pathlib import Path

import httpx

from storycam.sandbox.cli import arguments_of, config_of
from tests.sandbox.bot_api import TOKEN
from tests.support.ports import free_port

SCRIPT = Path(sys.executable).parent / "storycam-sandbox"


async def test_the_console_script_serves_the_bot_api() -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            *(str(SCRIPT), "--port", str(port), "--token", TOKEN, "--bot-name", "Dev bot"),
            *("--yookassa-shop-id", "777", "--yookassa-secret-key", "dev-secret"),
        ],
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
            basic = {"Authorization": "Basic " + base64.b64encode(b"777:dev-secret").decode()}
            shop = await client.get("/yookassa/v3/payments/2ed2b1e4-000f-5000-9000-1b7e3fa0c1d5", headers=basic)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)

    assert me["first_name"] == "Dev bot"
    assert unknown.status_code == 401
    assert shop.status_code == 404  # authenticated with the shop's flags; no such payment
    assert b"sandbox.listening" in errors  # logs go to stderr


def test_a_malformed_token_is_refused() -> None:
    finished = subprocess.run(
        [str(SCRIPT), "--token", "not-a-token"], capture_output=True, text=True, timeout=30, check=False
    )

    assert finished.returncode == 2
    assert "--token must look like" in finished.stderr


def test_payment_flags_configure_the_emulators() -> None:
    config = config_of(
        arguments_of(
            [
                *("--yookassa-webhook-url", "http://127.0.0.1:8003/webhooks/yookassa"),
                *("--yoomoney-wallet", "4100100000000000", "--yoomoney-notification-secret", "s3"),
                *("--yoomoney-notification-url", "http://127.0.0.1:8003/webhooks/yoomoney"),
                *("--notification-source-address", "127.0.0.1"),
            ]
        )
    )

    assert config.yookassa.webhook_url == "http://127.0.0.1:8003/webhooks/yookassa"
    assert config.yookassa.source_address == config.yoomoney.source_address == "127.0.0.1"
    assert (config.yoomoney.wallet, config.yoomoney.notification_secret) == ("4100100000000000", "s3")
    assert config.yoomoney.notification_url == "http://127.0.0.1:8003/webhooks/yoomoney"
    defaults = config_of(arguments_of([]))
    assert (defaults.yookassa.webhook_url, defaults.yoomoney.notification_url) == (None, None)
