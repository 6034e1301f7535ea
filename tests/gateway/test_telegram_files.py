"""The per-bot cache of Telegram file ids: one upload serves every later send of the same content."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from aiogram.types import Chat, Message, PhotoSize, Video

from storycam.gateway.outbound.files import TelegramFiles


@pytest.fixture
async def gateway_db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": "gateway"})
    await connection.execute("TRUNCATE telegram_files")
    try:
        yield connection
    finally:
        await connection.close()


async def test_an_id_is_kept_per_bot_and_replaced_by_a_new_upload(gateway_db: asyncpg.Connection) -> None:
    first_bot, second_bot = TelegramFiles(gateway_db, 101), TelegramFiles(gateway_db, 202)
    assert await first_bot.file_id("story/asset/abc") is None
    await first_bot.remember("story/asset/abc", "photo", "id-1", "u-1")
    assert await first_bot.file_id("story/asset/abc") == "id-1"
    assert await second_bot.file_id("story/asset/abc") is None  # another bot cannot send this id
    await first_bot.remember("story/asset/abc", "photo", "id-2", "u-2")
    assert await first_bot.file_id("story/asset/abc") == "id-2"
    await first_bot.forget("story/asset/abc")
    assert await first_bot.file_id("story/asset/abc") is None


async def test_the_id_comes_from_the_message_that_carried_the_upload(gateway_db: asyncpg.Connection) -> None:
    files = TelegramFiles(gateway_db, 101)
    chat = Chat(id=7, type="private")
    photo = Message(
        message_id=1,
        date=datetime(2026, 11, 30, tzinfo=UTC),
        chat=chat,
        photo=[
            PhotoSize(file_id="small", file_unique_id="s", width=90, height=60),
            PhotoSize(file_id="large", file_unique_id="l", width=1280, height=853),
        ],
    )
    await files.remember_sent("scene.jpg", "photo", photo)
    assert await files.file_id("scene.jpg") == "large"
    clip = Message(
        message_id=2,
        date=datetime(2026, 11, 30, tzinfo=UTC),
        chat=chat,
        video=Video(file_id="clip-id", file_unique_id="c", width=1280, height=720, duration=5),
    )
    await files.remember_sent("clips/x.mp4", "video", clip)
    assert await files.file_id("clips/x.mp4") == "clip-id"
    await files.remember_sent("clips/y.mp4", "video", photo)  # no video in it: nothing is kept
    assert await files.file_id("clips/y.mp4") is None
