"""Keyboards: how buttons are laid out in rows, and that each carries callback data that reads back."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from storycam.contracts.stories import StoryChoice, StoryReply
from storycam.gateway.bot.keyboards import ChooseLanguage, Menu, StoryChoose, StoryUndo, languages, main_menu
from storycam.gateway.bot.story_replies import choice_buttons
from storycam.gateway.bot.texts import text


def _layout(markup: InlineKeyboardMarkup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]


def test_the_main_menu_is_two_by_two_in_the_users_language() -> None:
    for language in ("ru", "en"):
        menu = main_menu(language)
        items = ["stories", "kisscam", "premium", "help"]
        labels = [text(language, f"menu.{item}") for item in items]
        assert _layout(menu) == [labels[:2], labels[2:]]
        datas = [button.callback_data for row in menu.inline_keyboard for button in row]
        assert [Menu.unpack(data).item for data in datas if data] == items
    assert _layout(main_menu("ru")) != _layout(main_menu("en"))


def test_languages_side_by_side() -> None:
    [row] = languages().inline_keyboard
    assert [ChooseLanguage.unpack(b.callback_data or "").language for b in row] == ["ru", "en"]


def test_choices_one_per_row_long_ones_shortened_undo_last() -> None:
    long = "Open the door slowly, listening for the slightest sound from the other side of it"
    reply = StoryReply(
        story="quiet-study",
        language="en",
        kind="scene",
        revision=7,
        choices=[StoryChoice(index=0, text="Wait"), StoryChoice(index=1, text=long)],
        can_undo=True,
    )
    markup = choice_buttons(reply, "en")
    assert markup is not None
    [[wait], [door], [undo]] = markup.inline_keyboard
    assert wait.text == "Wait"
    assert len(door.text) == 60
    assert door.text.endswith("…")
    assert StoryChoose.unpack(door.callback_data or "") == StoryChoose(slug="quiet-study", revision=7, index=1)
    assert undo.text == text("en", "stories.undo")
    assert StoryUndo.unpack(undo.callback_data or "") == StoryUndo(slug="quiet-study", revision=7)
