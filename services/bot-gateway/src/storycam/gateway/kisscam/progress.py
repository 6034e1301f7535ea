"""The one progress message of a job: its words for each state, sent once and then edited in place."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from storycam.contracts.media import JobProgress
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.kisscam.records import JobRecords


def progress_words(language: Language, event: JobProgress) -> str:
    if event.state == "queued":
        if event.queue_position is not None and event.queue_position > 1:
            return text(language, "kisscam.progress.queued", position=event.queue_position)
        return text(language, "kisscam.progress.queued_next")
    if event.state == "generating":
        if event.percent is not None:
            return text(language, "kisscam.progress.generating", percent=event.percent)
        return text(language, "kisscam.progress.generating_plain")
    if event.state in {"validating", "storing"}:
        return text(language, f"kisscam.progress.{event.state}")
    return text(language, "kisscam.progress.sending")  # done/failed come as their own events


async def show(
    bot: Bot,
    records: JobRecords,
    chat_id: int,
    job_id: UUID,
    words: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the job's progress message to ``words``; send one (and keep its id) when there is none to edit."""
    message_id = await records.progress_message(job_id)
    shown = await edit_or_send(bot, chat_id, message_id, words, markup)
    if shown != message_id:
        await records.adopt_message(job_id, shown)


async def edit_or_send(
    bot: Bot, chat_id: int, message_id: int | None, words: str, markup: InlineKeyboardMarkup | None = None
) -> int:
    """Show ``words`` in the message, or in a new one when there is none (or the user deleted it): its id."""
    if message_id is not None:
        try:
            await bot.edit_message_text(text=words, chat_id=chat_id, message_id=message_id, reply_markup=markup)
            return message_id
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return message_id
            if "not found" not in exc.message:
                raise
    sent = await bot.send_message(chat_id, words, reply_markup=markup)
    return sent.message_id
