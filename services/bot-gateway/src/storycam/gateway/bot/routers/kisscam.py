"""Kiss Cam's way in: /kisscam (and the menu button, and a shared link), the consent, and the photos received."""

from __future__ import annotations

import time
from typing import Final

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart, Filter
from aiogram.types import CallbackQuery, Message

from storycam.gateway.bot import kisscam_buttons
from storycam.gateway.bot.keyboards import Menu, remove_buttons
from storycam.gateway.bot.kisscam_buttons import KissCamConsent
from storycam.gateway.bot.kisscam_prompts import show_choice
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.kisscam import consent
from storycam.gateway.kisscam.collection import PhotoRef
from storycam.gateway.kisscam.service import KissCam

# getFile hands bots files up to 20 MB; a bigger one is refused before anything is tried.
TELEGRAM_DOWNLOAD_LIMIT: Final = 20 * 1024 * 1024


class Collecting(Filter):
    """Photos came within the pair window: what else the user sends now was meant for Kiss Cam."""

    async def __call__(self, message: Message, kisscam: KissCam) -> bool:
        return await kisscam.collections.collecting(message.chat.id, time.time())


async def _explain(bot: Bot, chat_id: int, user_id: int, language: Language, kisscam: KissCam) -> None:
    await bot.send_message(chat_id, text(language, "kisscam.how", minutes=kisscam.pair_window_minutes))
    if not await consent.given(kisscam.db, user_id):
        await bot.send_message(
            chat_id, text(language, "kisscam.consent"), reply_markup=kisscam_buttons.consent(language)
        )


async def kisscam_command(message: Message, language: Language, kisscam: KissCam, bot: Bot) -> None:
    if message.from_user is not None:
        await _explain(bot, message.chat.id, message.from_user.id, language, kisscam)


async def kisscam_from_menu(query: CallbackQuery, language: Language, kisscam: KissCam, bot: Bot) -> None:
    await query.answer()
    await _explain(bot, query.from_user.id, query.from_user.id, language, kisscam)


async def consent_answered(
    query: CallbackQuery, callback_data: KissCamConsent, language: Language, kisscam: KissCam, bot: Bot
) -> None:
    await query.answer()
    if query.message is not None:
        await remove_buttons(bot, query.from_user.id, query.message.message_id)
    if callback_data.agreed:
        await consent.give(kisscam.db, query.from_user.id)
        await bot.send_message(query.from_user.id, text(language, "kisscam.consent_thanks"))
    else:
        await bot.send_message(query.from_user.id, text(language, "kisscam.consent_declined"))


async def photo_received(message: Message, language: Language, kisscam: KissCam, bot: Bot) -> None:
    assert message.photo  # the filter
    await _take(message, PhotoRef.of(message.photo[-1]), language, kisscam, bot)


async def image_document_received(message: Message, language: Language, kisscam: KissCam, bot: Bot) -> None:
    document = message.document
    assert document is not None  # the filter
    if document.file_size is not None and document.file_size > TELEGRAM_DOWNLOAD_LIMIT:
        await message.answer(text(language, "kisscam.file_too_large"))
        return
    await _take(message, PhotoRef.of(document), language, kisscam, bot)


async def _take(message: Message, photo: PhotoRef, language: Language, kisscam: KissCam, bot: Bot) -> None:
    """Keep the photo's file id for the pair being collected; without consent, keep nothing and ask for it."""
    if message.from_user is None:
        return
    chat_id, album = message.chat.id, message.media_group_id
    if not await consent.given(kisscam.db, message.from_user.id):
        if await kisscam.collections.first_of_album(chat_id, album, "consent"):
            await message.answer(text(language, "kisscam.consent_first.album" if album else "kisscam.consent_first"))
            await message.answer(text(language, "kisscam.consent"), reply_markup=kisscam_buttons.consent(language))
        return
    added, collection = await kisscam.collections.add(chat_id, photo, album, time.time())
    if added == "extra":
        if await kisscam.collections.first_of_album(chat_id, album, "extra"):
            await message.answer(text(language, "kisscam.too_many"))
        return
    await show_choice(bot, chat_id, language, collection, kisscam)


async def not_a_photo(message: Message, language: Language) -> None:
    await message.answer(text(language, "kisscam.not_a_photo"))


async def waiting_for_a_pick(message: Message, language: Language) -> None:
    await message.answer(text(language, "kisscam.waiting"))


def build_router() -> Router:
    router = Router(name="kisscam")
    router.message.register(kisscam_command, Command("kisscam"))
    router.message.register(kisscam_command, CommandStart(deep_link=True, magic=F.args == "kisscam"))
    router.callback_query.register(kisscam_from_menu, Menu.filter(F.item == "kisscam"))
    router.callback_query.register(consent_answered, KissCamConsent.filter())
    router.message.register(photo_received, F.photo)
    router.message.register(image_document_received, F.document.mime_type.startswith("image/"))
    return router


def build_collecting_router() -> Router:
    """What else comes while photos are being collected. Included just before the fallback: a story's free text
    stays the story's, and only a message nothing else took pays the look into Redis."""
    router = Router(name="kisscam-collecting")
    router.message.register(
        not_a_photo, F.document | F.video | F.animation | F.sticker | F.voice | F.audio | F.video_note, Collecting()
    )
    router.message.register(waiting_for_a_pick, F.text, ~F.text.startswith("/"), Collecting())
    return router
