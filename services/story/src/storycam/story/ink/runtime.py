"""A compiled ink script played with the bink runtime (Blade Ink): begin, load a saved state, choose, continue.

One :class:`InkStory` per script per process. bink's calls are synchronous, and every method here runs from a
state to a new state without yielding to the event loop, so requests can share one instance one after another.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bink.story import Story

# A line that takes longer than this is an ink loop that never yields text (``-> knot`` back to itself).
LINE_BUDGET_MS = 200
# ...and a passage longer than this is a loop that does yield text.
MAX_LINES = 2_000
# Where the first offered choice was written: the knot the player is in while choosing.
_CHOICE_PATH = re.compile(r'"originalChoicePath":"([^".]+)')
# Every content path a saved state points into (call stack, threads, choices): the knots it stands in.
_STATE_PLACES = re.compile(r'"(?:cPath|originalChoicePath|targetPath|previousContentObject)":"([^".]+)')


class InkError(Exception):
    """The script cannot be played from here: a runtime error, a loop, or a state it does not accept."""


@dataclass(frozen=True)
class Line:
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """What one step produced: the lines up to the next choice (or the end), the choices, the state after."""

    lines: tuple[Line, ...]
    choices: tuple[str, ...]
    state: str
    knot: str | None  # where the choices were written, or for an ending the last knot the text came from
    warnings: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        return not self.choices

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(tag for line in self.lines for tag in line.tags)


def _knot_visits(state: str | None) -> dict[str, int]:
    if state is None:
        return {}
    counts: dict[str, int] = json.loads(state).get("visitCounts", {})
    return {name: count for name, count in counts.items() if "." not in name}


def _entered_last(before: str | None, after: str) -> str | None:
    """The knot a passage that ended went into last: of those it visited, the one entered most recently
    (a knot visited for the first time in this run is listed last; among the rest, the fewest visits)."""
    old, new = _knot_visits(before), _knot_visits(after)
    entered = [name for name, count in new.items() if count > old.get(name, 0)]
    if not entered:
        return None
    fewest = min(new[name] for name in entered)
    return [name for name in entered if new[name] == fewest][-1]


@dataclass
class _Diagnostics:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __call__(self, message: str, is_error: bool) -> None:
        (self.errors if is_error else self.warnings).append(message)

    def clear(self) -> None:
        self.errors.clear()
        self.warnings.clear()


class InkStory:
    def __init__(self, compiled: str) -> None:
        self._compiled = compiled
        self._diagnostics = _Diagnostics()
        self._story = self._load()
        self.global_tags: tuple[str, ...] = tuple(self._story.get_global_tags())
        self._start_tags: dict[str, tuple[str, ...]] = {}
        self._fingerprints: dict[str, str] | None = None

    def _load(self) -> Any:
        try:
            story = Story(self._compiled)
        except RuntimeError as exc:
            raise InkError(str(exc)) from None
        story.set_error_handler(self._diagnostics)
        return story

    def begin(self) -> Passage:
        """The story from its first line."""
        self._story.reset_state()
        passage = self._continue()
        # ink reports the file's global tags again on the first line; they describe the story, not the line.
        if passage.lines and self.global_tags:
            first = passage.lines[0]
            rest = (
                first.tags[len(self.global_tags) :]
                if first.tags[: len(self.global_tags)] == self.global_tags
                else first.tags
            )
            passage = Passage(
                (Line(first.text, rest), *passage.lines[1:]),
                passage.choices,
                passage.state,
                passage.knot,
                passage.warnings,
            )
        return passage

    def choices_at(self, state: str) -> tuple[str, ...]:
        self._restore(state)
        return self._choices()

    def advance(self, state: str, index: int) -> Passage:
        """Choose choice ``index`` in ``state`` and continue to the next choice or the end."""
        self._restore(state)
        choices = self._choices()
        if not 0 <= index < len(choices):
            raise IndexError(f"choice {index} is not among the {len(choices)} offered")
        try:
            self._story.choose_choice_index(index)
        except RuntimeError as exc:
            raise InkError(str(exc)) from None
        return self._continue(state)

    def start_tags(self, path: str) -> tuple[str, ...]:
        """The tags written at the top of a knot or stitch (``# premium``, ``# ai: …``)."""
        found = self._start_tags.get(path)
        if found is None:
            try:
                found = tuple(self._story.get_tags_for_content_at_path(path))
            except RuntimeError:
                found = ()
            self._start_tags[path] = found
        return found

    def accepts(self, state: str, written_by: InkStory) -> bool:
        """Whether a state saved by another version of this story plays on here exactly as it would there.

        True when every knot the state stands in is the same in both versions and the state loads; what lies
        beyond (the scenes the player has not reached yet) may differ: that is what a new version is for.
        """
        places = set(_STATE_PLACES.findall(state))
        if not places or any(
            self._fingerprint(k) is None or self._fingerprint(k) != written_by._fingerprint(k) for k in places
        ):
            return False
        try:
            self._restore(state)
        except InkError:
            return False
        return True

    def _fingerprint(self, knot: str) -> str | None:
        if self._fingerprints is None:
            root = json.loads(self._compiled)["root"]
            parts: dict[str, object] = {str(i): item for i, item in enumerate(root[:-1])}
            if isinstance(root[-1], dict):
                parts.update(root[-1])
            self._fingerprints = {
                name: hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
                for name, content in parts.items()
            }
        return self._fingerprints.get(knot)

    def visits(self, path: str) -> int:
        try:
            return int(self._story.get_visit_count_at_path_string(path))
        except RuntimeError:
            return 0

    def _restore(self, state: str) -> None:
        try:
            self._story.load_state(state)
        except RuntimeError as exc:
            raise InkError(f"the saved state does not load: {exc}") from None

    def _choices(self) -> tuple[str, ...]:
        return tuple(self._story.get_current_choices())

    def _continue(self, before: str | None = None) -> Passage:
        story = self._story
        self._diagnostics.clear()
        lines: list[Line] = []
        knot: str | None = None
        try:
            while story.can_continue():
                if len(lines) >= MAX_LINES or not story.continue_async(LINE_BUDGET_MS):
                    self._story = self._load()  # the runtime is mid-line: start afresh for the next request
                    raise InkError("the story loops without reaching a choice or an ending")
                lines.append(Line(story.get_current_text().strip(), tuple(story.get_current_tags())))
                path = story.get_current_path()
                if path:
                    knot = path.split(".", 1)[0]
                if self._diagnostics.errors:
                    break
        except RuntimeError as exc:
            raise InkError(str(exc)) from None
        if self._diagnostics.errors:
            raise InkError("; ".join(self._diagnostics.errors))
        state = story.save_state()
        choices = self._choices()
        if choices and (written := _CHOICE_PATH.search(state)):
            knot = written.group(1)
        elif not choices:
            knot = _entered_last(before, state) or knot
        return Passage(
            lines=tuple(lines),
            choices=choices,
            state=state,
            knot=knot,
            warnings=tuple(self._diagnostics.warnings),
        )
