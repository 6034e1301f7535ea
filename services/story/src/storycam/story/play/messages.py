"""Cutting a passage into chat messages: paragraphs packed up to Telegram's 4096 characters, media first.

A line's media (its ``# image:`` tag) starts a new message, so the picture appears just before its paragraph.
A paragraph longer than a whole message is cut at the last sentence end (or space) that fits. The author's inline
formatting (``<i>``, ``<b>`` …, see :mod:`storycam.story.ink.markup`) becomes the message's Telegram HTML; the
limit counts what the reader sees, as Telegram does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from storycam.contracts.stories import TELEGRAM_HTML_LIMIT, TELEGRAM_MESSAGE_LIMIT, SceneMessage, StoryMedia
from storycam.story.ink.markup import Formatted, Run, format_line
from storycam.story.ink.runtime import Line
from storycam.story.ink.tags import MediaTag, media_of

_SENTENCE_END = re.compile(r"[.!?…»”)](\s)")
PARAGRAPH_BREAK = "\n\n"


def cut_spans(paragraph: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[tuple[int, int]]:
    """Where to cut a paragraph into pieces of at most ``limit`` characters: (start, end) of each piece."""
    spans = []
    start, end = 0, len(paragraph)
    while end - start > limit:
        window = paragraph[start : start + limit + 1]
        ends = [m.start(1) for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ")
        if cut <= 0:
            cut = limit
        piece_end = start + len(window[:cut].rstrip())
        spans.append((start, piece_end))
        start += cut
        while start < end and paragraph[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def cut_paragraph(paragraph: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    return [paragraph[start:end] for start, end in cut_spans(paragraph, limit)]


def _pieces(line: Formatted, limit: int) -> list[tuple[str, str]]:
    """A line's pieces as (plain text, Telegram HTML)."""
    pieces = []
    for start, end in cut_spans(line.plain, limit):
        piece = line.cut(start, end) if line.styled else Formatted((Run(line.plain[start:end]),))
        escaped = html.escape(piece.plain, quote=False)
        markup = piece.html if piece.styled else escaped
        # A piece so densely formatted that its markup would not fit a message is shown unformatted, whole.
        pieces.append((piece.plain, markup if len(markup) <= TELEGRAM_HTML_LIMIT // 2 else escaped))
    return pieces


def compose(
    lines: tuple[Line, ...], media_source: Callable[[MediaTag], StoryMedia], limit: int = TELEGRAM_MESSAGE_LIMIT
) -> list[SceneMessage]:
    messages: list[SceneMessage] = []
    text = markup = ""
    media: list[StoryMedia] = []

    def flush() -> None:
        nonlocal text, markup, media
        if text or media:
            formatted = markup if markup != html.escape(text, quote=False) else None
            messages.append(SceneMessage(text=text, media=media, html=formatted))
        text, markup, media = "", "", []

    for line in lines:
        line_media = [media_source(tag) for tag in media_of(line.tags)]
        if line_media:
            if text:
                flush()
            media.extend(line_media)
        for plain, piece_markup in _pieces(format_line(line.text), limit) if line.text else []:
            if text and (
                len(text) + len(PARAGRAPH_BREAK) + len(plain) > limit
                or len(markup) + len(PARAGRAPH_BREAK) + len(piece_markup) > TELEGRAM_HTML_LIMIT
            ):
                flush()
            text = f"{text}{PARAGRAPH_BREAK}{plain}" if text else plain
            markup = f"{markup}{PARAGRAPH_BREAK}{piece_markup}" if markup else piece_markup
    flush()
    return messages
