"""aiogram 3 (what the gateway uses) works against the emulator: its multipart forms, its errors, its files."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LabeledPrice,
)

from storycam.sandbox import create_emulator
from tests.sandbox.bot_api import TOKEN, People
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.media_files import png
from tests.sandbox.servers import serving


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with serving(create_emulator(TOKEN, config=TEST_CONFIG)) as url:
        yield url


@pytest.fixture
async def aiogram_bot(base_url: str) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def control(base_url: str) -> AsyncIterator[People]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        yield People(client)


async def test_messages_keyboards_and_updates(aiogram_bot: Bot, control: People) -> None:
    user = (await control.ids())[0]
    await control.say(user, "/start")

    (update,) = await aiogram_bot.get_updates(timeout=1)
    assert update.message is not None
    assert update.message.text == "/start"
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]])
    sent = await aiogram_bot.send_message(user, "<b>Hi</b>", parse_mode="HTML", reply_markup=keyboard)
    edited = await aiogram_bot.edit_message_text("Bye", chat_id=user, message_id=sent.message_id)

    assert (await aiogram_bot.get_me()).username == "storycam_bot"
    assert sent.text == "Hi"
    assert [entity.type for entity in sent.entities or []] == ["bold"]
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == keyboard.model_dump()
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None


async def test_uploads_albums_and_downloads(aiogram_bot: Bot, control: People) -> None:
    user = (await control.ids())[0]
    await control.say(user, "/start")
    image = png(500, 300)

    photo = await aiogram_bot.send_photo(user, BufferedInputFile(image, "p.png"), caption="one")
    album = await aiogram_bot.send_media_group(
        user,
        [InputMediaPhoto(media=BufferedInputFile(png(8, 8), "a.png")), InputMediaPhoto(media=photo.photo[-1].file_id)],
    )
    file = await aiogram_bot.get_file(photo.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = io.BytesIO()
    await aiogram_bot.download_file(file.file_path, downloaded)

    assert (photo.photo[-1].width, photo.photo[-1].height) == (500, 300)
    assert album[0].media_group_id
    assert {message.media_group_id for message in album} == {album[0].media_group_id}
    assert downloaded.getvalue() == image


async def test_commands_and_invoices(aiogram_bot: Bot, control: People) -> None:
    user = (await control.ids())[1]
    await control.say(user, "/start")
    commands = [BotCommand(command="start", description="Начать")]

    await aiogram_bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    invoice = await aiogram_bot.send_invoice(
        user, "Premium", "30 days", "premium:30", currency="XTR", prices=[LabeledPrice(label="Premium", amount=99)]
    )

    menu = await aiogram_bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [command.model_dump() for command in menu] == [command.model_dump() for command in commands]
    assert invoice.invoice is not None
    assert invoice.invoice.total_amount == 99


async def test_errors_become_aiogram_exceptions(aiogram_bot: Bot, control: People) -> None:
    user = (await control.ids())[0]
    await control.say(user, "/start")

    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await aiogram_bot.send_message(user, " ")
    await control.client.post("/sandbox/flood", json={"count": 1, "retry_after": 4})
    with pytest.raises(TelegramRetryAfter) as flood:
        await aiogram_bot.send_message(user, "hi")
    assert flood.value.retry_after == 4
    await control.client.post(f"/sandbox/users/{user}/block")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aiogram_bot.send_message(user, "hi")
