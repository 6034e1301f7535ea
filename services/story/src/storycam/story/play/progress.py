"""A player's progress in one story: where the ink runtime stands, what they were last shown, and its revision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from storycam.story.play.scene import Scene

TALK_MEMORY = 8  # messages of a conversation the character remembers (four exchanges)


@dataclass(frozen=True)
class Talk:
    """A conversation with a character in a ``# ai:`` knot: turns taken, and the last few messages."""

    turns: int = 0
    history: tuple[tuple[str, str], ...] = ()

    def after(self, said: str, reply: str) -> Talk:
        history = (*self.history, ("user", said), ("assistant", reply))
        return Talk(self.turns + 1, history[-TALK_MEMORY:])

    def messages(self) -> list[dict[str, str]]:
        return [{"role": role, "content": content} for role, content in self.history]

    def to_dict(self) -> dict[str, Any]:
        return {"turns": self.turns, "history": [list(item) for item in self.history]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Talk:
        return cls(int(data["turns"]), tuple((str(r), str(c)) for r, c in data["history"]))


@dataclass(frozen=True)
class Progress:
    user_id: int
    story_id: int
    script_id: int
    revision: int
    state: str
    scene: Scene
    pending_choice: int | None = None
    talk: Talk | None = None
    finished: bool = False
    can_undo: bool = False

    def advanced(self, **changes: Any) -> Progress:
        return replace(self, **changes)

    def to_json(self) -> str:
        """The Redis copy. The ink state is embedded as a string: it is stored and loaded, never read here."""
        return orjson.dumps(
            {
                "script": self.script_id,
                "revision": self.revision,
                "state": self.state,
                "scene": self.scene.to_dict(),
                "pending": self.pending_choice,
                "talk": self.talk.to_dict() if self.talk else None,
                "finished": self.finished,
                "undo": self.can_undo,
            }
        ).decode()

    @classmethod
    def from_json(cls, user_id: int, story_id: int, text: str | bytes) -> Progress:
        data = orjson.loads(text)
        return cls(
            user_id=user_id,
            story_id=story_id,
            script_id=int(data["script"]),
            revision=int(data["revision"]),
            state=data["state"],
            scene=Scene.from_dict(data["scene"]),
            pending_choice=data.get("pending"),
            talk=Talk.from_dict(data["talk"]) if data.get("talk") else None,
            finished=bool(data.get("finished")),
            can_undo=bool(data.get("undo")),
        )


@dataclass(frozen=True)
class Interaction:
    """One line of the interaction history: what the player did and what they were shown."""

    action: str
    version: int
    language: str
    choice_index: int | None = None
    choice_text: str | None = None
    input_text: str | None = None
    reading: str | None = None
    shown: dict[str, Any] = field(default_factory=dict)

    def shown_json(self) -> str:
        return orjson.dumps(self.shown).decode()


def shown(scene: Scene) -> dict[str, Any]:
    """What the history keeps of a scene: where it was, its choices, its ending. The text is in the version."""
    return {
        "knot": scene.knot,
        "choices": list(scene.choices),
        "ending": scene.ending.id if scene.ending else None,
        "messages": len(scene.messages),
    }
