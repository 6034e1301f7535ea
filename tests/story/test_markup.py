"""Inline formatting from ink to Telegram HTML: the author's tags become Telegram's, everything else is text, and
what is sent always parses as Telegram parses it (the sandbox's parser refuses what Telegram refuses)."""

from __future__ import annotations

import pytest

from storycam.contracts.stories import TELEGRAM_MESSAGE_LIMIT, StoryMedia
from storycam.sandbox.telegram.formatting import parse_html
from storycam.story.ink.markup import format_line, plain_text
from storycam.story.ink.runtime import Line
from storycam.story.ink.tags import MediaTag
from storycam.story.play.messages import compose


def _media(tag: MediaTag) -> StoryMedia:
    return StoryMedia(kind=tag.kind, source=tag.ref)


def _entities(source: str) -> set[tuple[str, str]]:
    shown, entities = parse_html(source)
    return {(e["type"], shown[e["offset"] : e["offset"] + e["length"]]) for e in entities}


@pytest.mark.parametrize(
    ("ink", "html", "shown"),
    [
        ("<i>a</i> <em>b</em> <b>c</b> <strong>d</strong> <u>e</u> <s>f</s>", None, "a b c d e f"),
        ("one<br>two<br/>three<BR>four", "one\ntwo\nthree\nfour", "one\ntwo\nthree\nfour"),
        ("if a < b and c > d", "if a &lt; b and c &gt; d", "if a < b and c > d"),
        ("5<6 & 7>3", "5&lt;6 &amp; 7&gt;3", "5<6 & 7>3"),
        ('a <span class="x">b</span>', 'a &lt;span class="x"&gt;b&lt;/span&gt;', 'a <span class="x">b</span>'),
        ('<b class="loud">b</b>', '&lt;b class="loud"&gt;b', '<b class="loud">b'),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
        ("<a href='https://x'>link</a>", "&lt;a href='https://x'&gt;link&lt;/a&gt;", "<a href='https://x'>link</a>"),
        ("<b>never closed", "<b>never closed</b>", "never closed"),
        ("closes nothing</i> here", "closes nothing here", "closes nothing here"),
        ("<b>crossed <i>over</b> tags</i>", "<b>crossed <i>over</i></b><i> tags</i>", "crossed over tags"),
        ("half a tag <b", "half a tag &lt;b", "half a tag <b"),
        ("<!-- note --> text", "&lt;!-- note --&gt; text", "<!-- note --> text"),
        ("Tom &amp; Jerry &mdash; AT&T", "Tom &amp; Jerry — AT&amp;T", "Tom & Jerry — AT&T"),
    ],
)
def test_a_line_becomes_telegram_html_that_parses(ink: str, html: str | None, shown: str) -> None:
    line = format_line(ink)
    if html is not None:
        assert line.html == html
    assert line.plain == shown
    assert parse_html(line.html)[0] == shown


def test_the_author_s_tags_become_telegram_entities() -> None:
    line = format_line("<i>a</i> <em>b</em> <b>c</b> <strong>d</strong> <u>e</u> <s>f</s>")
    assert _entities(line.html) == {
        ("italic", "a"),
        ("italic", "b"),
        ("bold", "c"),
        ("bold", "d"),
        ("underline", "e"),
        ("strikethrough", "f"),
    }


def test_what_is_shown_as_text_is_reported_for_the_linter() -> None:
    assert format_line("<i>fine</i>").issues == ()
    issues = format_line('<span class="x">a</span> <b>open').issues
    assert '<span class="x"> is not formatting Telegram shows: it is shown as text' in issues
    assert "<b> is never closed on its line" in issues


def test_a_tag_split_across_lines_breaks_neither_message() -> None:
    # Inky shows each line as a paragraph; so do we: the open tag closes at its line's end, the stray close is dropped.
    [message] = compose((Line("She said <i>come"), Line("closer</i>, and was gone.")), _media)
    assert message.text == "She said come\n\ncloser, and was gone."
    assert message.html == "She said <i>come</i>\n\ncloser, and was gone."
    assert _entities(message.html) == {("italic", "come")}


def test_choices_and_titles_are_plain() -> None:
    assert plain_text("Take the <b>key</b>") == "Take the key"


def test_long_formatted_text_is_cut_by_what_the_reader_sees() -> None:
    # The markup makes the HTML far longer than 4096 characters; the visible text is what Telegram counts.
    sentence = "The <b>lamp</b> <i>turns</i> & <u>turns</u> &lt;slowly&gt;. "
    paragraph = sentence * 300
    messages = compose((Line(paragraph.strip()), Line("<s>Coda</s>.")), _media)
    assert len(messages) >= 2
    for message in messages:
        assert message.html is not None
        shown, _ = parse_html(message.html)
        assert shown == message.text
        assert 0 < len(message.text) <= TELEGRAM_MESSAGE_LIMIT
    assert len(messages[0].html or "") > TELEGRAM_MESSAGE_LIMIT  # it is the visible text that was packed to 4096
    visible = "".join(message.text for message in messages).replace("\n\n", " ")
    assert visible.count("lamp turns & turns <slowly>.") == 300
    assert messages[-1].html is not None
    assert messages[-1].html.endswith("<s>Coda</s>.")


def test_text_without_formatting_sends_no_html() -> None:
    [message] = compose((Line("Plain prose, x < y."),), _media)
    assert message.html is None
    assert message.text == "Plain prose, x < y."
