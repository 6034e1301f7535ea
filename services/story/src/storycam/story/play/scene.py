"""A scene: what the player was last shown and may do now. Kept with the progress so a resume shows it again."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from storycam.contracts.stories import SceneMessage
from storycam.story.ink.tags import Ending


@dataclass(frozen=True)
class Scene:
    messages: tuple[SceneMessage, ...]
    choices: tuple[str, ...]
    knot: str | None = None
    ai: str | None = None  # the brief of the character the player may talk to here
    ending: Ending | None = None

    @property
    def ended(self) -> bool:
        return not self.choices

    @property
    def last_words(self) -> str:
        """The end of the scene's text, for the LLM's context."""
        text = "\n\n".join(m.text for m in self.messages if m.text)
        return text[-800:]

    @cached_property
    def _dict(self) -> dict[str, Any]:
        return {
            "messages": [m.model_dump(exclude_none=True) for m in self.messages],
            "choices": list(self.choices),
            "knot": self.knot,
            "ai": self.ai,
            "ending": [self.ending.id, self.ending.title] if self.ending else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return self._dict

    @cached_property
    def _json(self) -> str:
        # A step writes the scene twice (PostgreSQL, then the Redis copy): encoded once.
        return orjson.dumps(self._dict).decode()

    def to_json(self) -> str:
        return self._json

    @classmethod
    def from_json(cls, text: str) -> Scene:
        return cls.from_dict(orjson.loads(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scene:
        ending = data.get("ending")
        return cls(
            messages=tuple(SceneMessage.model_validate(m) for m in data["messages"]),
            choices=tuple(data["choices"]),
            knot=data.get("knot"),
            ai=data.get("ai"),
            ending=Ending(ending[0], ending[1]) if ending else None,
        )
