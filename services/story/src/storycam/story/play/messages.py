"""Cutting a passage into chat messages: paragraphs packed up to Telegram's 4096 characters, media first.

A line's media (its ``# image:`` tag) starts a new message, so the picture appears just before its paragraph.
A paragraph longer than a whole message is cut at the last sentence end (or space) that fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from storycam.contracts.stories import TELEGRAM_MESSAGE_LIMIT, SceneMessage, StoryMedia
from storycam.story.ink.runtime import Line
from storycam.story.ink.tags import MediaTag, media_of

_SENTENCE_END = re.compile(r"[.!?…»”)](\s)")
PARAGRAPH_BREAK = "\n\n"


def cut_paragraph(paragraph: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    pieces = []
    while len(paragraph) > limit:
        window = paragraph[: limit + 1]
        ends = [m.start(1) for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    if paragraph:
        pieces.append(paragraph)
    return pieces


def compose(
    lines: tuple[Line, ...], media_source: Callable[[MediaTag], StoryMedia], limit: int = TELEGRAM_MESSAGE_LIMIT
) -> list[SceneMessage]:
    messages: list[SceneMessage] = []
    text = ""
    media: list[StoryMedia] = []

    def flush() -> None:
        nonlocal text, media
        if text or media:
            messages.append(SceneMessage(text=text, media=media))
        text, media = "", []

    for line in lines:
        line_media = [media_source(tag) for tag in media_of(line.tags)]
        if line_media:
            if text:
                flush()
            media.extend(line_media)
        for piece in cut_paragraph(line.text, limit) if line.text else []:
            if text and len(text) + len(PARAGRAPH_BREAK) + len(piece) > limit:
                flush()
            text = f"{text}{PARAGRAPH_BREAK}{piece}" if text else piece
    flush()
    return messages
