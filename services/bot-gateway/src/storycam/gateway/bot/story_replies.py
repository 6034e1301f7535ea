"""How a StoryReply looks in Telegram: media, then text, the choices as buttons under the last message.

A scene's text comes formatted from the story service when its author formatted it (``SceneMessage.html``: safe
Telegram HTML, made there and only there); any other text is escaped here.
"""

from __future__ import annotations

import html

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, URLInputFile

from storycam.contracts.stories import StoryCatalogue, StoryMedia, StoryReply, StorySummary
from storycam.gateway.bot.keyboards import Menu, StoryChoose, StoryPick, StoryUndo, buttons
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.stories import StoriesUnavailable, StoryClient, StoryRefused
from storycam.kit.logging import get_logger

log = get_logger(__name__)
_BUTTON_TEXT_LIMIT = 60


def _label(choice: str) -> str:
    return choice if len(choice) <= _BUTTON_TEXT_LIMIT else choice[: _BUTTON_TEXT_LIMIT - 1].rstrip() + "…"


def _story_label(story: StorySummary, language: Language) -> str:
    badge = " ✓" if story.progress == "finished" else ""
    lock = "⭐ " if story.tier == "premium" else ""
    # Listed in a language it is not written in (the operator allows it): say which one it is in.
    only = "" if language in story.languages or not story.languages else f" · {_only_in(story.languages[0], language)}"
    return f"{lock}{story.title}{badge}{only}"


def _only_in(written: str, language: Language) -> str:
    return text(language, "stories.only_ru" if written == "ru" else "stories.only_en")


def story_list(catalogue: StoryCatalogue) -> InlineKeyboardMarkup:
    return buttons((_story_label(story, catalogue.language), StoryPick(slug=story.slug)) for story in catalogue.stories)


def choice_buttons(reply: StoryReply, language: Language) -> InlineKeyboardMarkup | None:
    """The buttons under a scene: one choice a row, long ones shortened, undo last; none if nothing to tap."""
    if not reply.choices and not reply.can_undo:
        return None
    items: list[tuple[str, CallbackData]] = [
        (_label(choice.text), StoryChoose(slug=reply.story, revision=reply.revision, index=choice.index))
        for choice in reply.choices
    ]
    if reply.can_undo:
        items.append((text(language, "stories.undo"), StoryUndo(slug=reply.story, revision=reply.revision)))
    return buttons(items)


def _after_ending(reply: StoryReply, language: Language) -> InlineKeyboardMarkup:
    return buttons(
        [
            (text(language, "stories.again"), StoryPick(slug=reply.story, restart=True)),
            (text(language, "stories.other"), Menu(item="stories")),
        ]
    )


async def _send_media(bot: Bot, chat_id: int, media: StoryMedia, stories: StoryClient) -> None:
    if media.source.startswith(("http://", "https://")) and not media.source.startswith(stories.base_url):
        file: URLInputFile | BufferedInputFile = URLInputFile(media.source)
    else:
        # Kept by the story service, behind its signed API: fetch it and upload the bytes.
        path = media.source.removeprefix(stories.base_url)
        file = BufferedInputFile(await stories.media(path), filename=path.rsplit("/", 1)[-1])
    if media.kind == "image":
        await bot.send_photo(chat_id, file)
    elif media.kind == "video":
        await bot.send_video(chat_id, file)
    else:
        await bot.send_audio(chat_id, file)


async def show_reply(bot: Bot, chat_id: int, reply: StoryReply, language: Language, stories: StoryClient) -> None:
    keyboard = choice_buttons(reply, language)
    texts: list[str] = []
    if reply.notice is not None:
        await bot.send_message(
            chat_id, html.escape(reply.notice.text), reply_markup=None if reply.messages else keyboard
        )
    for n, message in enumerate(reply.messages):
        for media in message.media:
            try:
                await _send_media(bot, chat_id, media, stories)
            except (StoriesUnavailable, StoryRefused) as exc:
                log.warning("stories.media_missing", source=media.source, error=str(exc))  # the text still goes
        if message.text:
            last = n == len(reply.messages) - 1
            body = message.html if message.html is not None else html.escape(message.text)
            await bot.send_message(chat_id, body, reply_markup=keyboard if last else None)
            texts.append(message.text)
    if reply.messages and not texts and keyboard is not None:
        await bot.send_message(chat_id, "…", reply_markup=keyboard)
    if reply.ending is not None:
        ending = reply.ending
        lines = [text(language, "stories.new_ending")] if ending.new else []
        lines.append(
            text(
                language,
                "stories.ending",
                title=html.escape(ending.title),
                found=ending.endings_found,
                total=ending.endings_total,
            )
        )
        await bot.send_message(chat_id, "\n".join(lines), reply_markup=_after_ending(reply, language))
    if reply.paywall is not None:
        paywall = buttons(
            [(reply.paywall.button, Menu(item="premium")), (text(language, "stories.other"), Menu(item="stories"))]
        )
        body = f"<b>{html.escape(reply.paywall.title)}</b>\n\n{html.escape(reply.paywall.text)}"
        await bot.send_message(chat_id, body, reply_markup=paywall)
