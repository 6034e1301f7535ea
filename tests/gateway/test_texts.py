"""What the bot says exists in Russian and English, with the same placeholders, and the menus match."""

from __future__ import annotations

from storycam.gateway.bot.texts import COMMANDS, language_of, text, translation_gaps


def test_every_text_is_in_both_languages_with_the_same_placeholders() -> None:
    assert translation_gaps() == []


def test_the_command_menu_is_the_same_in_both_languages() -> None:
    assert [name for name, _ in COMMANDS["ru"]] == [name for name, _ in COMMANDS["en"]]
    assert all(description for commands in COMMANDS.values() for _, description in commands)


def test_the_language_a_new_user_is_greeted_in() -> None:
    assert language_of("ru") == "ru"
    assert language_of("uk") == "ru"
    assert language_of("en-GB") == "en"
    assert language_of("de") == "en"
    assert language_of(None) == "en"
    assert text("ru", "balance.credits", credits=3).endswith("Кредиты Kiss Cam: 3")
