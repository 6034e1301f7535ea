"""``media.events``: a job's progress edits its one message; the clip or the reason why not goes to the chat.

Each event is handled once (inbox key ``media.events:<event_id>``, in a unit of work); its Bot API calls are
recorded under the event, so a redelivery after a crash mid-way replays them instead of sending twice; and a
message only moves forward (``JobRecords.advance``), so events handled out of order never show an older state.
"""

from __future__ import annotations

from typing import Annotated, Final

from aiogram import Bot
from pydantic import Field

from storycam.contracts.events import Streams
from storycam.contracts.media import JobDone, JobFailed, JobProgress, MediaEvent
from storycam.gateway.bot.kisscam_buttons import finished
from storycam.gateway.bot.kisscam_jobs import failure_words
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.kisscam import progress
from storycam.gateway.kisscam.clips import send_clip
from storycam.gateway.kisscam.records import rank
from storycam.gateway.kisscam.service import KissCam
from storycam.gateway.outbound.files import TelegramFiles
from storycam.gateway.outbound.telling import telling
from storycam.gateway.users import service as users
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.storage import StoredObjectMissing
from storycam.kit.uow import UnitOfWork, with_unit_of_work

log = get_logger(__name__)

GROUP: Final = "gateway.kisscam"
AnyMediaEvent = Annotated[MediaEvent, Field(discriminator="type")]
_RUNNING: Final = frozenset({"validating", "generating", "storing"})


class MediaEventHandler:
    def __init__(self, bot: Bot, state: ServiceState, kisscam: KissCam) -> None:
        self._bot = bot
        self._state = state
        self._kisscam = kisscam

    async def __call__(self, event: MediaEvent, _: Delivery, work: UnitOfWork) -> None:
        async with telling(self._state.db, f"media:{event.event_id}", event.chat_id):
            language = await users.language(self._state.db, event.user_id)
            if isinstance(event, JobProgress):
                await self._progress(event, language)
            elif isinstance(event, JobDone):
                await self._done(event, language)
            else:
                await self._failed(event, language)

    async def _progress(self, event: JobProgress, language: Language) -> None:
        at = rank(event.state, queue_position=event.queue_position, percent=event.percent)
        if not await self._kisscam.records.advance(event.job_id, at):
            return  # older news than the message shows
        words = progress.progress_words(language, event)
        await progress.show(self._bot, self._kisscam.records, event.chat_id, event.job_id, words)
        if event.state in _RUNNING:
            await self._bot.send_chat_action(event.chat_id, "upload_video")

    async def _done(self, event: JobDone, language: Language) -> None:
        records = self._kisscam.records
        await records.advance(event.job_id, rank("done"))
        sending = text(language, "kisscam.progress.reused" if event.reused else "kisscam.progress.sending")
        await progress.show(self._bot, records, event.chat_id, event.job_id, sending)
        caption = text(language, "kisscam.caption", style=text(language, f"kisscam.style.{event.style}"))
        markup = finished(language, event.job_id, (await self._bot.me()).username)
        files = TelegramFiles(self._state.db, self._bot.id)
        # One action, not aiogram's ChatActionSender: its calls from a task of their own would interleave with these
        # and scramble the order the replay guard records them in.
        await self._bot.send_chat_action(event.chat_id, "upload_video")
        try:
            await send_clip(self._bot, files, self._kisscam.storage, event, caption, markup)
        except StoredObjectMissing:
            log.error("kisscam.clip_missing", job_id=str(event.job_id), clip_key=event.clip_key)
            await progress.show(self._bot, records, event.chat_id, event.job_id, failure_words(language, "internal"))
            return
        log.info("kisscam.clip_sent", job_id=str(event.job_id), reused=event.reused)
        await progress.show(self._bot, records, event.chat_id, event.job_id, text(language, "kisscam.progress.done"))

    async def _failed(self, event: JobFailed, language: Language) -> None:
        await self._kisscam.records.advance(event.job_id, rank("failed"))
        log.info("kisscam.job_failed", job_id=str(event.job_id), reason=event.reason, refunded=event.refunded)
        words = failure_words(language, event.reason, refunded=event.refunded)
        await progress.show(self._bot, self._kisscam.records, event.chat_id, event.job_id, words)


def media_events_subscription(bot: Bot, state: ServiceState, kisscam: KissCam) -> Subscription[MediaEvent]:
    return Subscription(
        stream=Streams.MEDIA_EVENTS,
        group=GROUP,
        schema=AnyMediaEvent,
        handler=with_unit_of_work(
            state.db,
            state.outbox,
            MediaEventHandler(bot, state, kisscam),
            inbox_key=lambda event, _: f"media.events:{event.event_id}",
        ),
        start_id="0",
    )
