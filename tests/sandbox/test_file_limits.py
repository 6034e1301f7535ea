"""getFile refuses files over 20 MB and uploads over 50 MB are refused (limits shrunk here to keep tests light)."""

from __future__ import annotations

import httpx
import pytest

from storycam.sandbox import SandboxConfig
from storycam.sandbox.config import MEGABYTE
from tests.sandbox.bot_api import BotApi, People
from tests.sandbox.media_files import png

SMALL = SandboxConfig(max_download_bytes=2_000, max_upload_bytes=40_000)


def test_the_default_limits_are_telegrams() -> None:
    assert SandboxConfig().max_download_bytes == 20 * MEGABYTE
    assert SandboxConfig().max_upload_bytes == 50 * MEGABYTE


@pytest.mark.parametrize("config", [SMALL])
async def test_get_file_refuses_a_file_over_the_download_limit(
    bot: BotApi, client: httpx.AsyncClient, people: People
) -> None:
    user = (await people.ids())[0]
    big = png(60, 60, noisy=True)
    assert SMALL.max_download_bytes < len(big) < SMALL.max_upload_bytes
    await client.post(f"/sandbox/users/{user}/photos", files=[("photo", ("big.png", big))])
    photo = (await bot.ok("getUpdates"))[0]["message"]["photo"][-1]

    response = await bot.call("getFile", file_id=photo["file_id"])

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}


@pytest.mark.parametrize("config", [SMALL])
async def test_an_upload_over_the_limit_is_refused(bot: BotApi, user_id: int) -> None:
    response = await bot.form("sendVideo", {"chat_id": str(user_id)}, {"video": ("v.mp4", bytes(50_000))})

    assert response.status_code == 413
    assert response.json() == {"ok": False, "error_code": 413, "description": "Request Entity Too Large"}
