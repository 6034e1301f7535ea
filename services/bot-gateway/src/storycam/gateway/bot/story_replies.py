"""How a StoryReply looks in Telegram: media, then text, the choices as buttons under the last message.

A scene's text comes formatted from the story service when its author formatted it (``SceneMessage.html``: safe
Telegram HTML, made there and only there); any other text is escaped here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile, Message, URLInputFile
from prometheus_client import Counter

from storycam.contracts.stories import (
    TELEGRAM_MESSAGE_LIMIT,
    StoryCatalogue,
    StoryMedia,
    StoryReply,
    StorySummary,
)
from storycam.gateway.bot.keyboards import Menu, PremiumOffers, StoryChoose, StoryPick, StoryUndo, buttons
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.stories import StoriesUnavailable, StoryClient, StoryRefused
from storycam.gateway.outbound.files import FileKind, TelegramFiles
from storycam.kit.logging import get_logger

log = get_logger(__name__)
UPLOADS = Counter(
    "storycam_gateway_story_media_uploads", "Story media uploaded to Telegram (after the first, sent by file id)"
)
_BUTTON_TEXT_LIMIT = 60
CAPTION_LIMIT = 1024  # Telegram's, for the text under a picture, a clip or a sound
Markup = InlineKeyboardMarkup | None


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


@dataclass
class _Post:
    """One message of a scene as it goes to Telegram: its media, its text as HTML, and how long it reads."""

    media: list[StoryMedia]
    body: str
    visible: int

    @property
    def captioned(self) -> bool:
        """One picture, clip or sound whose text fits under it: one message instead of two."""
        return len(self.media) == 1 and self.visible <= CAPTION_LIMIT

    @property
    def limit(self) -> int:
        return CAPTION_LIMIT if self.captioned else TELEGRAM_MESSAGE_LIMIT


_FILE_KINDS: dict[str, FileKind] = {"image": "photo", "video": "video", "audio": "audio"}


async def _upload_of(media: StoryMedia, stories: StoryClient) -> InputFile:
    if media.source.startswith(("http://", "https://")) and not media.source.startswith(stories.base_url):
        return URLInputFile(media.source)
    # Kept by the story service, behind its signed API: fetch it and upload the bytes. (``?v=`` names the version
    # for the file id cache; the route itself serves the story's current file.)
    path = media.source.removeprefix(stories.base_url).split("?", 1)[0]
    return BufferedInputFile(await stories.media(path), filename=path.rsplit("/", 1)[-1])


async def _post_media(
    bot: Bot, chat_id: int, kind: FileKind, file: InputFile | str, caption: str | None, markup: Markup
) -> Message:
    if kind == "photo":
        return await bot.send_photo(chat_id, file, caption=caption, reply_markup=markup)
    if kind == "video":
        return await bot.send_video(chat_id, file, caption=caption, reply_markup=markup, supports_streaming=True)
    return await bot.send_audio(chat_id, file, caption=caption, reply_markup=markup)


async def _send_media(
    bot: Bot,
    chat_id: int,
    media: StoryMedia,
    stories: StoryClient,
    files: TelegramFiles,
    *,
    caption: str | None = None,
    markup: Markup = None,
) -> bool:
    """Send by the file id Telegram gave the first time (nothing uploaded), else upload and keep the id. False
    when the file could not be had from the story service (the text still goes)."""
    kind = _FILE_KINDS[media.kind]
    key = f"story:{media.source}"
    known = await files.file_id(key)
    if known is not None:
        try:
            await _post_media(bot, chat_id, kind, known, caption, markup)
            return True
        except TelegramBadRequest as exc:  # the id went stale on Telegram's side: upload once more
            log.info("telegram.file_id_refused", key=key, error=exc.message)
            await files.forget(key)
    try:
        upload = await _upload_of(media, stories)
    except (StoriesUnavailable, StoryRefused) as exc:
        log.warning("stories.media_missing", source=media.source, error=str(exc))
        return False
    sent = await _post_media(bot, chat_id, kind, upload, caption, markup)
    UPLOADS.inc()
    await files.remember_sent(key, kind, sent)
    return True


def _posts(reply: StoryReply) -> list[_Post]:
    posts = [
        _Post(list(m.media), m.html if m.html is not None else html.escape(m.text), len(m.text)) for m in reply.messages
    ]
    if reply.notice is not None:
        # The note ("I took that as …") leads the scene's first text instead of being a message of its own.
        note = reply.notice.text
        first = next((post for post in posts if post.visible), None)
        if first is not None and first.visible + len(note) + 2 <= first.limit:
            first.body = f"<i>{html.escape(note)}</i>\n\n{first.body}"
            first.visible += len(note) + 2
        else:
            posts.insert(0, _Post([], html.escape(note), len(note)))
    return posts


async def show_reply(
    bot: Bot, chat_id: int, reply: StoryReply, language: Language, stories: StoryClient, files: TelegramFiles
) -> None:
    """A scene in as few messages as Telegram allows: a picture carries its text as the caption when it fits, and
    the choices ride on the last message of the scene."""
    keyboard = choice_buttons(reply, language)
    posts = _posts(reply)
    texts = 0
    for n, post in enumerate(posts):
        markup = keyboard if n == len(posts) - 1 else None
        if post.captioned and await _send_media(
            bot, chat_id, post.media[0], stories, files, caption=post.body or None, markup=markup
        ):
            texts += 1
            continue
        if not post.captioned:
            for media in post.media:
                await _send_media(bot, chat_id, media, stories, files)
        if post.visible:
            await bot.send_message(chat_id, post.body, reply_markup=markup)
            texts += 1
    if posts and not texts and keyboard is not None:
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
        # The offers carry the story: once paid for, it goes on from the scene the paywall stopped it at.
        paywall = buttons(
            [
                (reply.paywall.button, PremiumOffers(story=reply.story)),
                (text(language, "stories.other"), Menu(item="stories")),
            ]
        )
        body = f"<b>{html.escape(reply.paywall.title)}</b>\n\n{html.escape(reply.paywall.text)}"
        await bot.send_message(chat_id, body, reply_markup=paywall)
