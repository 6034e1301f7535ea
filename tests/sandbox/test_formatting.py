"""HTML parse mode as Telegram reads it: nesting, languages, spoilers, and the errors for broken markup."""

from __future__ import annotations

import pytest

from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.formatting import command_entities, formatted, with_commands
from storycam.sandbox.telegram.media_probe import image_size, video_info
from tests.sandbox.media_files import mp4, png


def test_pre_with_a_language_and_spoilers() -> None:
    text, entities = formatted(
        '<pre><code class="language-python">x = 1</code></pre> <tg-spoiler>a</tg-spoiler> '
        '<span class="tg-spoiler">b</span> <blockquote expandable>q</blockquote>',
        "HTML",
        None,
    )

    assert text == "x = 1 a b q"
    assert entities == [
        {"offset": 0, "length": 5, "type": "pre", "language": "python"},
        {"offset": 6, "length": 1, "type": "spoiler"},
        {"offset": 8, "length": 1, "type": "spoiler"},
        {"offset": 10, "length": 1, "type": "expandable_blockquote"},
    ]


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("ok\nthen <br>", 'Unsupported start tag "br" at byte offset 8'),
    ],
)
def test_broken_markup_is_refused(markup: str, reason: str) -> None:
    with pytest.raises(BadRequest) as refused:
        formatted(markup, "HTML", None)

    assert refused.value.description == f"Bad Request: can't parse entities: {reason}"


def test_other_parse_modes_keep_the_text() -> None:
    assert formatted("*bold*", "MarkdownV2", None) == ("*bold*", None)


def test_commands_in_what_a_person_types() -> None:
    assert command_entities("/start ref_42 and /help@storycam_bot") == [
        {"offset": 0, "length": 6, "type": "bot_command"},
        {"offset": 18, "length": 18, "type": "bot_command"},
    ]
    assert command_entities("a/b and http://x/y") is None


def test_commands_in_what_a_bot_sends_are_tappable_outside_its_own_entities() -> None:
    text, entities = formatted("Thanks! See /balance, not <code>/help</code>.", "HTML", None)
    assert with_commands(text, entities) == [
        {"offset": 12, "length": 8, "type": "bot_command"},
        {"offset": 26, "length": 5, "type": "code"},
    ]
    assert with_commands("no commands here", None) is None


def test_media_sizes_are_read_from_headers() -> None:
    assert image_size(png(33, 21)) == (33, 21)
    assert image_size(b"not an image") is None
    info = video_info(mp4(1280, 720, 15))
    assert (info.width, info.height, info.duration) == (1280, 720, 15)
