"""The rules of playing: start or resume, choose, free text, undo; paywalls; moving a run to a new version.

A step loads the progress, runs the ink runtime from its state, and writes the new state only from the
revision it started at. A run moves onto the story's newest version when resumed, if the version rules allow
(the knots it stands in are unchanged); in the author's loop (``live_reload``) at every step, so an edit plays at
the next tap.
A button made for another revision gets the current choices and a friendly notice; two taps racing each other
move the story once.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from storycam.contracts.stories import (
    ChooseChoice,
    EndingReached,
    FreeTextReading,
    Language,
    Notice,
    Paywall,
    PaywallReason,
    SceneMessage,
    StartStory,
    StoryReply,
    UndoStep,
)
from storycam.kit.errors import BadRequest
from storycam.kit.logging import get_logger
from storycam.story.catalogue.library import PlayableScript, ScriptLibrary
from storycam.story.catalogue.records import StoryRecord
from storycam.story.errors import NotStarted, StoryNotFound
from storycam.story.freetext.llm import LlmFailed, StoryLlm
from storycam.story.freetext.matcher import match_choice
from storycam.story.freetext.reader import FreeTextReader, Reading
from storycam.story.ink.runtime import InkError
from storycam.story.ink.tags import Ending, is_premium
from storycam.story.play import replies, repository, texts
from storycam.story.play.progress import Interaction, Progress, Talk
from storycam.story.play.replies import TALK_TURNS
from storycam.story.play.store import ProgressStore
from storycam.story.premium.entitlements import PaymentsEntitlements

log = get_logger(__name__)


@dataclass
class StoryPlayer:
    db: asyncpg.Pool
    library: ScriptLibrary
    store: ProgressStore
    reader: FreeTextReader
    llm: StoryLlm
    entitlements: PaymentsEntitlements
    live_reload: bool = False

    # --- the four moves -------------------------------------------------------------------------------------

    async def start(self, user_id: int, slug: str, request: StartStory) -> StoryReply:
        story = await self.library.story(slug)
        progress = await self.store.load(user_id, story.id)
        if progress is not None and not progress.finished and not request.restart:
            return await self._resume(story, progress)
        language = request.language
        if story.tier == "premium":
            gate = await self._gate(user_id, "premium_story", language)
            if gate is not None:
                return replies.paywall(story, language, progress, gate, [])
        script_id = await self.library.newest_script_id(story.id, language)
        if script_id is None:
            # A story written in one language plays in it, whatever the player's (the catalogue marks it so).
            for own in await self.library.newest_languages(story.id):
                script_id = await self.library.newest_script_id(story.id, own)
                break
        if script_id is None:
            raise StoryNotFound(f"The story {slug!r} is not available in {language}.")
        script = await self.library.script(script_id)
        try:
            passage = script.ink.begin()
        except InkError as exc:
            log.error("story.broken", slug=slug, version=script.version, error=str(exc))
            return replies.broken(story, language, progress.revision if progress else 0, [])
        scene = replies.scene_of(story, script, passage)
        fresh = Progress(user_id, story.id, script.id, 0, passage.state, scene, finished=scene.ended)
        started = await self.store.begin(fresh, replies.interaction("start", script, scene))
        log.info("story.started", slug=slug, version=script.version, language=language)
        return await self._answer(story, script, started, ending=scene.ending, new_ending=False)

    async def choose(self, user_id: int, slug: str, request: ChooseChoice) -> StoryReply:
        story = await self.library.story(slug)
        progress = await self._progress(user_id, story)
        for _attempt in range(2):
            if progress.revision != request.revision:
                # The Redis copy may lag PostgreSQL after a failed write: ask the source before saying "stale".
                progress = await self._durable(user_id, story)
                if progress.revision != request.revision:
                    return await self._stale(story, progress)
            script = await self.library.script(progress.script_id)
            if progress.scene.ended:
                return replies.reply(story, script, progress, notice=texts.notice("story_over", script.language))
            if self.live_reload:
                progress, script = await self._move_to_newest(story, progress, script)
            if request.index >= len(progress.scene.choices):
                raise BadRequest(
                    f"Choice {request.index} is not offered here: there are {len(progress.scene.choices)}."
                )
            interaction = replies.interaction("choice", script, progress.scene, choice=request.index)
            reply = await self._advance(story, script, progress, request.index, interaction)
            if reply is not None:
                return reply
            progress = await self._durable(user_id, story)
        return await self._stale(story, progress)

    async def say(self, user_id: int, slug: str, text: str) -> StoryReply:
        story = await self.library.story(slug)
        progress = await self._progress(user_id, story)
        for _attempt in range(2):
            script = await self.library.script(progress.script_id)
            if progress.scene.ended:
                return replies.reply(story, script, progress, notice=texts.notice("story_over", script.language))
            if self.live_reload:
                progress, script = await self._move_to_newest(story, progress, script)
            scene = progress.scene
            if scene.ai and (progress.talk is None or progress.talk.turns < TALK_TURNS):
                reply = await self._talk(story, script, progress, text, scene.ai)
            else:
                reading = await self.reader.read(
                    script_id=script.id,
                    place=scene.knot or "",
                    text=text,
                    choices=scene.choices,
                    scene=scene.last_words,
                    language=script.language,
                )
                reply = await self._follow(
                    story, script, progress, text, reading, texts.notice("not_understood", script.language)
                )
            if reply is not None:
                return reply
            progress = await self._durable(user_id, story)
        return await self._stale(story, progress)

    async def undo(self, user_id: int, slug: str, request: UndoStep) -> StoryReply:
        story = await self.library.story(slug)
        progress = await self._progress(user_id, story)
        if progress.revision != request.revision:
            progress = await self._durable(user_id, story)
            if progress.revision != request.revision:
                return await self._stale(story, progress)
        script = await self.library.script(progress.script_id)
        if not progress.can_undo:
            return replies.reply(
                story, script, progress, messages=[], notice=texts.notice("nothing_to_undo", script.language)
            )
        undone = await self.store.undo(progress, replies.interaction("undo", script, progress.scene))
        if undone is None:
            return await self._stale(story, await self._durable(user_id, story))
        return replies.reply(story, script, undone, notice=texts.notice("undone", script.language))

    # --- steps ----------------------------------------------------------------------------------------------

    async def _advance(
        self,
        story: StoryRecord,
        script: PlayableScript,
        progress: Progress,
        index: int,
        interaction: Interaction,
        lead: list[SceneMessage] | None = None,
        reading: Reading | None = None,
    ) -> StoryReply | None:
        """Take choice ``index``; None when another step moved the progress first."""
        language = script.language
        if story.tier == "premium":
            gate = await self._gate(progress.user_id, "premium_story", language)
            if gate is not None:
                return await self._hold(story, script, progress, index, gate)
        try:
            passage = script.ink.advance(progress.state, index)
        except InkError as exc:
            log.error("story.broken", slug=story.slug, version=script.version, error=str(exc))
            return replies.broken(story, language, progress.revision, list(progress.scene.choices), progress.can_undo)
        if is_premium(passage.tags) and story.tier == "free":
            gate = await self._gate(progress.user_id, "premium_scene", language)
            if gate is not None:
                return await self._hold(story, script, progress, index, gate)
        scene = replies.scene_of(story, script, passage)
        after = progress.advanced(
            state=passage.state, scene=scene, pending_choice=None, talk=None, finished=scene.ended
        )
        ending = scene.ending.id if scene.ending else None
        result = await self.store.save(progress, after, interaction, undo_point="push", ending=ending)
        if result is None:
            return None
        stored, saved = result
        return await self._answer(
            story, script, stored, ending=scene.ending, new_ending=saved.new_ending, lead=lead, reading=reading
        )

    async def _follow(
        self,
        story: StoryRecord,
        script: PlayableScript,
        progress: Progress,
        text: str,
        reading: Reading,
        unmatched: Notice,
        lead: list[SceneMessage] | None = None,
    ) -> StoryReply | None:
        """Act on what free text was read as: take the choice, or show the choices again."""
        seen = FreeTextReading(source=reading.source, choice=reading.choice)
        if reading.choice is None:
            interaction = replies.interaction("text", script, progress.scene, text=text, reading=reading.source)
            await self.store.record(progress, interaction)
            return replies.reply(story, script, progress, messages=lead or [], notice=unmatched, reading=seen)
        interaction = replies.interaction(
            "text", script, progress.scene, choice=reading.choice, text=text, reading=reading.source
        )
        return await self._advance(story, script, progress, reading.choice, interaction, lead=lead, reading=reading)

    async def _talk(
        self, story: StoryRecord, script: PlayableScript, progress: Progress, text: str, brief: str
    ) -> StoryReply | None:
        """A turn of conversation with the character of a ``# ai:`` knot."""
        language = script.language
        talk = progress.talk or Talk()
        try:
            said = await self.llm.speak_as(
                brief=brief, history=talk.messages(), text=text, choices=progress.scene.choices, language=language
            )
        except LlmFailed:
            local = match_choice(text, progress.scene.choices)
            reading = Reading(local, "local" if local is not None else "none")
            silent = Notice(code="not_understood", text=texts.SILENT_CHARACTER[language])
            return await self._follow(story, script, progress, text, reading, silent)
        lead = [SceneMessage(text=said.text)] if said.text else []
        if said.choice is not None:
            return await self._follow(
                story,
                script,
                progress,
                text,
                Reading(said.choice, "llm"),
                texts.notice("not_understood", language),
                lead,
            )
        continued = talk.after(text, said.text)
        interaction = replies.interaction("talk", script, progress.scene, text=text, reading="llm")
        result = await self.store.save(progress, progress.advanced(talk=continued), interaction, undo_point="keep")
        if result is None:
            return None
        stored, _ = result
        over = continued.turns >= TALK_TURNS
        return replies.reply(
            story,
            script,
            stored,
            messages=lead,
            notice=texts.notice("conversation_over", language) if over else None,
            reading=FreeTextReading(source="llm", choice=None),
        )

    async def _hold(
        self, story: StoryRecord, script: PlayableScript, progress: Progress, index: int, gate: Paywall
    ) -> StoryReply | None:
        """Stop at a paywall, remembering the choice so the story goes on from exactly here once paid for."""
        interaction = replies.interaction("paywall", script, progress.scene, choice=index)
        result = await self.store.save(
            progress, progress.advanced(pending_choice=index), interaction, undo_point="keep"
        )
        if result is None:
            return None
        stored, _ = result
        return replies.paywall(story, script.language, stored, gate, replies.choices_of(stored.scene))

    async def _resume(self, story: StoryRecord, progress: Progress) -> StoryReply:
        script = await self.library.script(progress.script_id)
        progress, script = await self._move_to_newest(story, progress, script)
        if story.tier == "premium":
            gate = await self._gate(progress.user_id, "premium_story", script.language)
            if gate is not None:
                return replies.paywall(story, script.language, progress, gate, replies.choices_of(progress.scene))
        if progress.pending_choice is not None and progress.pending_choice < len(progress.scene.choices):
            premium = await self.entitlements.premium(progress.user_id)
            if premium.active:
                index = progress.pending_choice
                interaction = replies.interaction("choice", script, progress.scene, choice=index)
                reply = await self._advance(story, script, progress, index, interaction)
                if reply is not None:
                    return reply
                progress = await self._durable(progress.user_id, story)
        return replies.reply(story, script, progress, notice=texts.notice("resumed", script.language))

    async def _move_to_newest(
        self, story: StoryRecord, progress: Progress, script: PlayableScript
    ) -> tuple[Progress, PlayableScript]:
        """Move a run to the story's newest version when its state loads there cleanly: the knots it stands in are
        unchanged, so the choices on the player's screen mean the same there."""
        newest_id = await self.library.newest_script_id(story.id, script.language)
        if newest_id is None or newest_id == script.id:
            return progress, script
        newest = await self.library.script(newest_id)
        if not newest.ink.accepts(progress.state, written_by=script.ink):
            return progress, script
        interaction = replies.interaction("moved", newest, progress.scene)
        result = await self.store.save(
            progress, progress.advanced(script_id=newest.id), interaction, undo_point="clear"
        )
        if result is None:
            return progress, script
        log.info("story.run_moved", slug=story.slug, from_version=script.version, to_version=newest.version)
        return result[0], newest

    # --- pieces ---------------------------------------------------------------------------------------------

    async def _progress(self, user_id: int, story: StoryRecord) -> Progress:
        progress = await self.store.load(user_id, story.id)
        if progress is None:
            raise NotStarted()
        return progress

    async def _durable(self, user_id: int, story: StoryRecord) -> Progress:
        progress = await self.store.load_durable(user_id, story.id)
        if progress is None:
            raise NotStarted()
        return progress

    async def _gate(self, user_id: int, reason: PaywallReason, language: Language) -> Paywall | None:
        premium = await self.entitlements.premium(user_id)
        if premium.active:
            return None
        return texts.paywall(reason if premium.known else "entitlements_unavailable", language)

    async def _answer(
        self,
        story: StoryRecord,
        script: PlayableScript,
        progress: Progress,
        *,
        ending: Ending | None,
        new_ending: bool,
        lead: list[SceneMessage] | None = None,
        reading: Reading | None = None,
    ) -> StoryReply:
        reached = None
        if ending is not None:
            found = set(await repository.endings_found(self.db, progress.user_id, story.id))
            reached = EndingReached(
                id=ending.id,
                title=ending.title,
                new=new_ending,
                endings_found=len(found & set(script.endings)),
                endings_total=len(script.endings),
            )
        messages = [*(lead or []), *progress.scene.messages]
        seen = FreeTextReading(source=reading.source, choice=reading.choice) if reading else None
        return replies.reply(story, script, progress, messages=messages, ending=reached, reading=seen)

    async def _stale(self, story: StoryRecord, progress: Progress) -> StoryReply:
        script = await self.library.script(progress.script_id)
        return replies.reply(story, script, progress, messages=[], notice=texts.notice("stale_choice", script.language))
