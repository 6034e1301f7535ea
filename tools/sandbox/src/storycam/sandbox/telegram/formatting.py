"""Formatted text: ``parse_mode=HTML`` parsed into plain text and ``MessageEntity`` objects, as Telegram does.

Offsets and lengths are in UTF-16 code units. Tags Telegram does not support, and unbalanced ones, are refused
with Telegram's "can't parse entities" errors, so a bot's markup mistakes show here before production. MarkdownV2
and Markdown are not parsed: their text is kept as sent.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _EntityParser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.text = ""
        self._length = 0
        self._open: list[tuple[str, Json | None]] = []
        self.entities: list[Json] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self._source[: self._line_starts[line - 1] + column].encode())

    def _refuse(self, reason: str) -> BadRequest:
        return BadRequest(f"can't parse entities: {reason}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        entity: Json | None
        if tag in SIMPLE_TAGS:
            entity = {"type": SIMPLE_TAGS[tag]}
        elif tag == "span" and attributes.get("class") == "tg-spoiler":
            entity = {"type": "spoiler"}
        elif tag == "a" and attributes.get("href"):
            entity = {"type": "text_link", "url": attributes["href"]}
        elif tag == "blockquote":
            entity = {"type": "expandable_blockquote" if "expandable" in attributes else "blockquote"}
        elif tag == "tg-emoji" and attributes.get("emoji-id"):
            entity = {"type": "custom_emoji", "custom_emoji_id": attributes["emoji-id"]}
        else:
            raise self._refuse(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        language = (attributes.get("class") or "").removeprefix("language-")
        if tag == "code" and language and self._open and self._open[-1][0] == "pre":
            pre = self._open[-1][1]
            if pre is not None:
                pre["language"] = language
            entity = None  # <pre><code class="language-x"> is one pre entity with a language
        if entity is not None:
            entity["offset"] = self._length
        self._open.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            expected = f'expected "</{self._open[-1][0]}>", ' if self._open else ""
            raise self._refuse(f'Unmatched end tag at byte offset {self._byte_offset()}, {expected}found "</{tag}>"')
        _, entity = self._open.pop()
        if entity is not None:
            entity["length"] = self._length - entity["offset"]
            if entity["length"] > 0:
                self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data
        self._length += utf16_length(data)

    def finish(self) -> None:
        self.close()
        if self._open:
            raise self._refuse(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')


def parse_html(source: str) -> tuple[str, list[Json]]:
    parser = _EntityParser(source)
    parser.feed(source)
    parser.finish()
    return parser.text, parser.entities


def formatted(text: str, parse_mode: str | None, entities: list[Json] | None) -> tuple[str, list[Json] | None]:
    """The text and entities a message shows: parsed, trimmed like Telegram trims, entities in order."""
    found = entities or []
    if parse_mode and parse_mode.lower() == "html" and entities is None:
        text, found = parse_html(text)
    stripped = text.strip()
    lead = utf16_length(text[: len(text) - len(text.lstrip())])
    total = utf16_length(stripped)
    kept: list[Json] = []
    for entity in found:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            rest = {key: value for key, value in entity.items() if key not in ("offset", "length")}
            kept.append({"offset": start, "length": end - start, **rest})
    kept.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return stripped, kept or None


def command_entities(text: str) -> list[Json] | None:
    """The ``bot_command`` entities Telegram marks in what a person types."""
    entities = [
        {"offset": utf16_length(text[: match.start()]), "length": utf16_length(match.group()), "type": "bot_command"}
        for match in BOT_COMMAND.finditer(text)
    ]
    return entities or None


def with_commands(text: str, entities: list[Json] | None) -> list[Json] | None:
    """A bot's message as Telegram stores it: besides the bot's own entities, each ``/command`` in its text is a
    ``bot_command`` (a tap sends it), unless it lies inside one of the bot's entities (code, a link...)."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities or []]
    found = [
        command
        for command in command_entities(text) or []
        if not any(start < command["offset"] + command["length"] and command["offset"] < end for start, end in taken)
    ]
    merged = sorted([*(entities or []), *found], key=lambda entity: (entity["offset"], -entity["length"]))
    return merged or None
