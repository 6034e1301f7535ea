"""A finished clip into the chat: by Telegram's ``file_id`` when this bot sent it before, else uploaded once from
storage and its ``file_id`` kept (``TelegramFiles``), as a streamable MP4."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile, Message

from storycam.contracts.media import JobDone
from storycam.gateway.outbound.files import TelegramFiles
from storycam.gateway.outbound.undeliverable import is_undeliverable
from storycam.kit.logging import get_logger
from storycam.kit.storage import Storage

log = get_logger(__name__)


async def send_clip(
    bot: Bot,
    files: TelegramFiles,
    storage: Storage,
    done: JobDone,
    caption: str,
    markup: InlineKeyboardMarkup,
) -> Message:
    known = await files.file_id(done.clip_key)
    if known is not None:
        try:
            return await _send(bot, done, known, caption, markup)
        except TelegramBadRequest as exc:
            if is_undeliverable(exc):
                raise
            # Telegram no longer knows the id (another bot token, a file gone on its side): upload again.
            log.info("kisscam.file_id_refused", clip_key=done.clip_key, reason=exc.message)
            await files.forget(done.clip_key)
    clip = await storage.get(done.clip_key)
    sent = await _send(bot, done, BufferedInputFile(clip, filename="kisscam.mp4"), caption, markup)
    await files.remember_sent(done.clip_key, "video", sent)
    return sent


async def _send(bot: Bot, done: JobDone, video: InputFile | str, caption: str, markup: InlineKeyboardMarkup) -> Message:
    return await bot.send_video(
        done.chat_id,
        video,
        duration=max(1, round(done.duration_seconds)),
        width=done.width,
        height=done.height,
        supports_streaming=True,
        caption=caption,
        reply_markup=markup,
    )
