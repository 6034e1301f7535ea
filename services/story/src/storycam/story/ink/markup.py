"""The inline formatting ink authors write (the HTML Inky's preview shows), as Telegram's HTML.

``<b>``/``<strong>`` bold, ``<i>``/``<em>`` italic, ``<u>`` underline, ``<s>`` (``<strike>``, ``<del>``)
strikethrough, ``<br>`` a new line. Everything else is text, shown as written: another tag, a tag with attributes,
a ``<`` in prose, a comment. Each line is formatted on its own, as Inky shows each line as a paragraph: a tag left
open is closed where the line ends, a closing tag with nothing open is dropped. What the author wrote that is shown
as text, or dropped, is kept in ``issues`` for the linter.

The stdlib parser reads the markup; the output is built from plain runs of text, so it is always balanced and
escaped, whatever the input was.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import Final

STYLES: Final[dict[str, str]] = {
    **dict.fromkeys(("b", "strong"), "b"),
    **dict.fromkeys(("i", "em"), "i"),
    **dict.fromkeys(("u", "ins"), "u"),
    **dict.fromkeys(("s", "strike", "del"), "s"),
}
_ORDER: Final[tuple[str, ...]] = ("b", "i", "u", "s")  # the nesting order of Telegram tags we write
_LINE_BREAK: Final = "br"


@dataclass(frozen=True)
class Run:
    text: str
    styles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Formatted:
    """A line (or a piece of one): its runs of equally styled text."""

    runs: tuple[Run, ...]
    issues: tuple[str, ...] = ()

    @cached_property
    def plain(self) -> str:
        """What the reader sees, without formatting."""
        return "".join(run.text for run in self.runs)

    @property
    def styled(self) -> bool:
        return any(run.styles for run in self.runs)

    @cached_property
    def html(self) -> str:
        """Telegram HTML: every tag closed, in order; the text escaped."""
        out: list[str] = []
        stack: list[str] = []
        for run in self.runs:
            wanted = [style for style in _ORDER if style in run.styles]
            kept = 0
            while kept < min(len(stack), len(wanted)) and stack[kept] == wanted[kept]:
                kept += 1
            out += [f"</{style}>" for style in reversed(stack[kept:])]
            out += [f"<{style}>" for style in wanted[kept:]]
            stack = wanted
            out.append(html.escape(run.text, quote=False))
        out += [f"</{style}>" for style in reversed(stack)]
        return "".join(out)

    def cut(self, start: int, end: int) -> Formatted:
        """The part between two positions of :attr:`plain`, its formatting kept."""
        runs: list[Run] = []
        position = 0
        for run in self.runs:
            run_end = position + len(run.text)
            piece = run.text[max(start, position) - position : min(end, run_end) - position]
            if piece:
                runs.append(Run(piece, run.styles))
            position = run_end
        return Formatted(tuple(runs))


class _InlineParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self.issues: list[str] = []
        self._open: list[str] = []

    def _text(self, text: str) -> None:
        if not text:
            return
        styles = frozenset(self._open)
        if self.runs and self.runs[-1].styles == styles:
            self.runs[-1] = Run(self.runs[-1].text + text, styles)
        else:
            self.runs.append(Run(text, styles))

    def _as_text(self, raw: str, issue: str) -> None:
        self.issues.append(issue)
        self._text(raw)

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag == _LINE_BREAK:
            self._text("\n")
        elif tag in STYLES and not attrs:
            self._open.append(STYLES[tag])
        else:
            self._as_text(raw, f"{raw} is not formatting Telegram shows: it is shown as text")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == _LINE_BREAK:
            self._text("\n")
        else:
            raw = self.get_starttag_text() or f"<{tag}/>"
            self._as_text(raw, f"{raw} is not formatting Telegram shows: it is shown as text")

    def handle_endtag(self, tag: str) -> None:
        if tag == _LINE_BREAK:
            self._text("\n")
            return
        style = STYLES.get(tag)
        if style is None:
            self._as_text(f"</{tag}>", f"</{tag}> is not formatting Telegram shows: it is shown as text")
        elif style in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(style)]
        else:
            self.issues.append(f"</{tag}> closes nothing: it is dropped")

    def handle_comment(self, data: str) -> None:
        self._as_text(f"<!--{data}-->", "an HTML comment is shown as text")

    def handle_decl(self, decl: str) -> None:
        self._as_text(f"<!{decl}>", f"<!{decl}> is shown as text")

    def unknown_decl(self, data: str) -> None:
        self._as_text(f"<![{data}]>", f"<![{data}]> is shown as text")

    def handle_pi(self, data: str) -> None:
        self._as_text(f"<?{data}>", f"<?{data}> is shown as text")

    def finish(self) -> Formatted:
        self.close()
        issues = [*self.issues, *(f"<{style}> is never closed on its line" for style in self._open)]
        return Formatted(tuple(self.runs), tuple(issues))


def format_line(text: str) -> Formatted:
    """One line of a story, its inline formatting read."""
    if "<" not in text and "&" not in text:
        return Formatted((Run(text),) if text else ())
    parser = _InlineParser()
    parser.feed(text)
    return parser.finish()


def plain_text(text: str) -> str:
    """A line as plain text, for buttons and titles (which Telegram shows unformatted)."""
    return format_line(text).plain
