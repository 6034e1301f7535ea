"""Building what the player is told: scenes from passages, replies from progress, history lines."""

from __future__ import annotations

from prometheus_client import Counter

from storycam.contracts.stories import (
    Conversation,
    EndingReached,
    FreeTextReading,
    Language,
    Notice,
    Paywall,
    ReplyKind,
    SceneMessage,
    StoryChoice,
    StoryMedia,
    StoryReply,
)
from storycam.story.catalogue.library import PlayableScript
from storycam.story.catalogue.records import StoryRecord
from storycam.story.catalogue.service import media_source
from storycam.story.ink.markup import plain_text
from storycam.story.ink.runtime import Passage
from storycam.story.ink.tags import MediaTag, ai_brief_of, ending_of, knot_ending
from storycam.story.play import texts
from storycam.story.play.messages import compose
from storycam.story.play.progress import Interaction, Progress, shown
from storycam.story.play.scene import Scene

STEPS = Counter("storycam_story_steps_total", "Story steps answered, by kind of answer", ["kind"])
TALK_TURNS = 6  # a conversation with a character lasts this many exchanges, then the choices take over
THE_END = {"ru": "Конец", "en": "The End"}


def scene_of(story: StoryRecord, script: PlayableScript, passage: Passage) -> Scene:
    def source(tag: MediaTag) -> StoryMedia:
        return StoryMedia(kind=tag.kind, source=media_source(story.slug, tag.ref, script.version))

    ending = None
    if passage.ended:
        # Tagged or not, an END is an ending: untagged, it is named after its knot (as the node index counts it).
        ending = ending_of(passage.tags) or knot_ending(passage.knot, THE_END[script.language])
    return Scene(
        messages=tuple(compose(passage.lines, source)),
        choices=tuple(plain_text(choice) for choice in passage.choices),  # buttons show no formatting
        knot=passage.knot,
        ai=ai_brief_of(script.ink.start_tags(passage.knot)) if passage.knot and not passage.ended else None,
        ending=ending,
    )


def choices_of(scene: Scene) -> list[StoryChoice]:
    return [StoryChoice(index=index, text=text) for index, text in enumerate(scene.choices)]


def interaction(
    action: str,
    script: PlayableScript,
    scene: Scene,
    *,
    choice: int | None = None,
    text: str | None = None,
    reading: str | None = None,
) -> Interaction:
    return Interaction(
        action=action,
        version=script.version,
        language=script.language,
        choice_index=choice,
        choice_text=scene.choices[choice] if choice is not None and choice < len(scene.choices) else None,
        input_text=text,
        reading=reading,
        shown=shown(scene),
    )


def reply(
    story: StoryRecord,
    script: PlayableScript,
    progress: Progress,
    *,
    messages: list[SceneMessage] | None = None,
    notice: Notice | None = None,
    ending: EndingReached | None = None,
    reading: FreeTextReading | None = None,
) -> StoryReply:
    scene = progress.scene
    kind: ReplyKind = "ending" if scene.ended else "scene"
    talk_turns = progress.talk.turns if progress.talk else 0
    conversation = Conversation(turns_left=TALK_TURNS - talk_turns) if scene.ai and talk_turns < TALK_TURNS else None
    STEPS.labels(kind).inc()
    return StoryReply(
        story=story.slug,
        language=script.language,
        kind=kind,
        revision=progress.revision,
        messages=list(scene.messages) if messages is None else messages,
        choices=choices_of(scene),
        notice=notice,
        ending=ending,
        reading=reading,
        conversation=conversation,
        can_undo=progress.can_undo,
    )


def paywall(
    story: StoryRecord,
    language: Language,
    progress: Progress | None,
    gate: Paywall,
    choices: list[StoryChoice],
) -> StoryReply:
    STEPS.labels("paywall").inc()
    return StoryReply(
        story=story.slug,
        language=language,
        kind="paywall",
        revision=progress.revision if progress else 0,
        choices=choices,
        paywall=gate,
        can_undo=progress.can_undo if progress else False,
    )


def broken(
    story: StoryRecord, language: Language, revision: int, choices: list[str], can_undo: bool = False
) -> StoryReply:
    STEPS.labels("error").inc()
    return StoryReply(
        story=story.slug,
        language=language,
        kind="error",
        revision=revision,
        messages=[SceneMessage(text=texts.STORY_BROKEN[language])],
        choices=[StoryChoice(index=index, text=text) for index, text in enumerate(choices)],
        can_undo=can_undo,
    )
