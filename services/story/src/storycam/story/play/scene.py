"""A scene: what the player was last shown and may do now. Kept with the progress so a resume shows it again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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

    def to_json(self) -> str:
        return json.dumps(
            {
                "messages": [m.model_dump() for m in self.messages],
                "choices": list(self.choices),
                "knot": self.knot,
                "ai": self.ai,
                "ending": [self.ending.id, self.ending.title] if self.ending else None,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Scene:
        return cls.from_dict(json.loads(text))

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
