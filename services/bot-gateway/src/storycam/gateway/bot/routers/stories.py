"""Stories in the chat: the catalogue, choices as buttons, free text, undo, endings and paywalls."""

from __future__ import annotations

from collections.abc import Awaitable
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from storycam.contracts.stories import MAX_FREE_TEXT, StoryReply, readable_text
from storycam.gateway.bot.keyboards import Menu, StoryChoose, StoryPick, StoryUndo, remove_buttons
from storycam.gateway.bot.story_replies import show_reply, story_list
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.stories import StoriesUnavailable, StoryClient, StoryRefused
from storycam.gateway.outbound.files import TelegramFiles
from storycam.gateway.outbound.flood import SkippedForLimits, best_effort
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState

log = get_logger(__name__)


class Playing(StatesGroup):
    story = State()


async def _catalogue(bot: Bot, chat_id: int, user_id: int, language: Language, stories: StoryClient) -> None:
    try:
        catalogue = await stories.catalogue(language, user_id)
    except (StoriesUnavailable, StoryRefused) as exc:
        log.warning("stories.catalogue_failed", error=str(exc))
        await bot.send_message(chat_id, text(language, "stories.unavailable"))
        return
    if not catalogue.stories:
        await bot.send_message(chat_id, text(language, "stories.empty"))
        return
    await bot.send_message(chat_id, text(language, "stories.choose"), reply_markup=story_list(catalogue))


async def stories_command(message: Message, language: Language, stories: StoryClient) -> None:
    if message.from_user is not None and message.bot is not None:
        await _catalogue(message.bot, message.chat.id, message.from_user.id, language, stories)


async def stories_from_menu(query: CallbackQuery, language: Language, stories: StoryClient, bot: Bot) -> None:
    await query.answer()
    await _catalogue(bot, query.from_user.id, query.from_user.id, language, stories)


async def play_step(
    bot: Bot,
    chat_id: int,
    language: Language,
    state: FSMContext,
    stories: StoryClient,
    call: Awaitable[StoryReply],
    service: ServiceState,
    *,
    tapped_message_id: int | None = None,
) -> None:
    """Make a story step and show it, the story becoming the one free text goes to; a failure said kindly."""
    try:
        reply = await call
    except StoriesUnavailable as exc:
        log.warning("stories.unavailable", error=str(exc))
        await bot.send_message(chat_id, text(language, "stories.unavailable"))
        return
    except StoryRefused as exc:
        log.info("stories.refused", status=exc.status, detail=exc.detail)
        await bot.send_message(chat_id, text(language, "stories.refused"))
        return
    await state.set_state(Playing.story)
    await state.update_data(story=reply.story)
    await show_reply(bot, chat_id, reply, language, stories, TelegramFiles(service.db, bot.id))
    if tapped_message_id is not None:
        # The choice is taken: its buttons go, so the chat reads as a story — after the scene that answers the tap,
        # and only when Telegram's limits have room to spare: a stale button is harmless (its revision gets a
        # friendly answer), a delayed scene is not. Had the story service failed, the buttons stay for another tap.
        with suppress(SkippedForLimits), best_effort():
            await remove_buttons(bot, chat_id, tapped_message_id)


async def story_picked(
    query: CallbackQuery,
    callback_data: StoryPick,
    language: Language,
    stories: StoryClient,
    state: FSMContext,
    bot: Bot,
    service: ServiceState,
) -> None:
    await query.answer()
    call = stories.start(query.from_user.id, callback_data.slug, language, restart=callback_data.restart)
    await play_step(bot, query.from_user.id, language, state, stories, call, service)


async def choice_made(
    query: CallbackQuery,
    callback_data: StoryChoose,
    language: Language,
    stories: StoryClient,
    state: FSMContext,
    bot: Bot,
    service: ServiceState,
) -> None:
    await query.answer()
    call = stories.choose(query.from_user.id, callback_data.slug, callback_data.revision, callback_data.index)
    tapped = query.message.message_id if query.message is not None else None
    await play_step(bot, query.from_user.id, language, state, stories, call, service, tapped_message_id=tapped)


async def undo_requested(
    query: CallbackQuery,
    callback_data: StoryUndo,
    language: Language,
    stories: StoryClient,
    state: FSMContext,
    bot: Bot,
    service: ServiceState,
) -> None:
    await query.answer()
    call = stories.undo(query.from_user.id, callback_data.slug, callback_data.revision)
    await play_step(bot, query.from_user.id, language, state, stories, call, service)


async def free_text(
    message: Message, language: Language, stories: StoryClient, state: FSMContext, bot: Bot, service: ServiceState
) -> None:
    slug = (await state.get_data()).get("story")
    if message.from_user is None or not isinstance(slug, str) or not message.text:
        return
    try:
        # What the story service accepts: control and invisible characters gone, at most a message's length.
        said = readable_text(message.text)[:MAX_FREE_TEXT]
    except ValueError:
        await message.answer(text(language, "text.unreadable"))
        return
    await bot.send_chat_action(message.chat.id, "typing")  # the LLM may take a moment
    said_call = stories.say(message.from_user.id, slug, said)
    await play_step(bot, message.chat.id, language, state, stories, said_call, service)


def build_router() -> Router:
    router = Router(name="stories")
    router.message.register(stories_command, Command("stories"))
    router.callback_query.register(stories_from_menu, Menu.filter(F.item == "stories"))
    router.callback_query.register(story_picked, StoryPick.filter())
    router.callback_query.register(choice_made, StoryChoose.filter())
    router.callback_query.register(undo_requested, StoryUndo.filter())
    router.message.register(free_text, StateFilter(Playing.story), F.text, ~F.text.startswith("/"))
    return router
