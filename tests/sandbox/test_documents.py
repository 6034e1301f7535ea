"""Files sent "as a file": the bot receives a ``document`` with its name, type and size; and what the control API
tells about a chat's actions and a file's getFile calls."""

from __future__ import annotations

import httpx
import pytest
from aiogram.types import Message

from storycam.sandbox import SandboxConfig
from tests.sandbox.bot_api import BotApi, People
from tests.sandbox.media_files import png

SMALL = SandboxConfig(max_download_bytes=2_000, max_upload_bytes=40_000)


async def test_a_document_reaches_the_bot_with_its_name_type_and_size(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    image = png(64, 48)
    response = await client.post(
        f"/sandbox/users/{user_id}/documents",
        files={"document": ("holiday.png", image, "image/png")},
        data={"caption": "us"},
    )
    assert response.status_code == 201, response.text

    [update] = [u for u in await bot.ok("getUpdates") if "document" in u.get("message", {})]
    message = update["message"]
    assert not Message.model_validate(message).model_extra
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "holiday.png",
        "image/png",
        len(image),
    )
    assert message["caption"] == "us"
    file = await bot.ok("getFile", file_id=document["file_id"])
    downloaded = await client.get(f"/file/bot{bot.token}/{file['file_path']}")
    assert downloaded.content == image


async def test_a_document_without_a_type_is_sniffed_or_left_generic(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    await client.post(f"/sandbox/users/{user_id}/documents", files={"document": ("notes", b"just words", "")})
    [update] = [u for u in await bot.ok("getUpdates") if "document" in u.get("message", {})]
    assert update["message"]["document"]["mime_type"] == "application/octet-stream"


async def test_an_empty_document_is_refused(client: httpx.AsyncClient, user_id: int) -> None:
    response = await client.post(f"/sandbox/users/{user_id}/documents", files={"document": ("empty.txt", b"")})
    assert response.status_code == 422


@pytest.mark.parametrize("config", [SMALL])
async def test_get_file_calls_are_counted_refused_or_not(
    bot: BotApi, client: httpx.AsyncClient, people: People, user_id: int
) -> None:
    big = png(60, 60, noisy=True)
    assert len(big) > SMALL.max_download_bytes
    await client.post(f"/sandbox/users/{user_id}/documents", files={"document": ("big.png", big, "image/png")})
    [update] = [u for u in await bot.ok("getUpdates") if "document" in u.get("message", {})]
    file_id = update["message"]["document"]["file_id"]
    assert (await client.get(f"/sandbox/files/{file_id}/calls")).json()["get_file"] == 0

    refused = await bot.call("getFile", file_id=file_id)

    assert refused.status_code == 400
    assert (await client.get(f"/sandbox/files/{file_id}/calls")).json()["get_file"] == 1
    assert (await client.get("/sandbox/files/nope/calls")).status_code == 404


async def test_chat_actions_are_kept_in_the_transcript(bot: BotApi, people: People, user_id: int) -> None:
    await bot.ok("sendChatAction", chat_id=user_id, action="upload_video")
    await bot.ok("sendChatAction", chat_id=user_id, action="typing")
    assert (await people.transcript(user_id))["actions"] == ["upload_video", "typing"]
